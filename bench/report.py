"""Turns bench/run.sh's raw measurements into the jrunc/Go table (stdout, latest.md), latest.json and latest.svg."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

raw, out, n, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def numbers(name, column=0):
    path = os.path.join(raw, name)
    if not os.path.exists(path):
        return []
    return [float(line.split()[column]) for line in open(path) if line.strip()]


def pct(values, q):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def mem(label, count):
    path = os.path.join(raw, f"mem{count}_{label}")
    if not os.path.exists(path):
        return None
    parts = [int(x) for x in open(path).read().split()]
    return {"pss_kib": parts[0], "rss_kib": parts[1], "processes": parts[2],
            "pss_anon_kib": parts[3] if len(parts) > 3 else None}


rows = []


def row(key, what, unit, go, jrunc, target, lower_is_better=True, absolute=False):
    """target: a jrunc/Go ratio, or with absolute=True a bound on jrunc's own value (in unit)."""
    ratio = jrunc / go if go and jrunc is not None else None
    measured = jrunc if absolute else ratio
    met = None
    if measured is not None and target is not None:
        met = measured <= target if lower_is_better else measured >= target
    rows.append({"key": key, "what": what, "unit": unit, "go": go, "jrunc": jrunc, "ratio": ratio,
                 "target": target, "target_kind": "<=" if lower_is_better else ">=", "target_absolute": absolute,
                 "met": met})


run_go, run_jr = numbers("run_go"), numbers("run_jrunc")
row("a_run_p50", "ctr run --rm /bin/true, median", "ms", pct(run_go, .5), pct(run_jr, .5), 1.5)
row("a_run_p90", "ctr run --rm /bin/true, p90", "ms", pct(run_go, .9), pct(run_jr, .9), 1.5)
ex_go, ex_jr = numbers("exec_go"), numbers("exec_jrunc")
row("b_exec_p50", "ctr task exec /bin/true, median", "ms", pct(ex_go, .5), pct(ex_jr, .5), 1.2)
row("b_exec_p90", "ctr task exec /bin/true, p90", "ms", pct(ex_go, .9), pct(ex_jr, .9), 1.2)
memory = {label: {"1": mem(label, 1), "10": mem(label, 10)} for label in ("go", "sandbox", "namespace")}
go10 = memory["go"]["10"]
for label, target in (("sandbox", 5.0), ("namespace", 1.5)):
    m = memory[label]["10"]
    if go10 and m:
        row(f"c_pss_{label}", f"PSS per container, 10 containers, grouping={label}", "MiB",
            go10["pss_kib"] / 10 / 1024, m["pss_kib"] / 10 / 1024, target)
        row(f"c_rss_{label}", f"RSS per container, 10 containers, grouping={label}", "MiB",
            go10["rss_kib"] / 10 / 1024, m["rss_kib"] / 10 / 1024, None)
ns1, ns10 = memory["namespace"]["1"], memory["namespace"]["10"]
marginal = (ns10["pss_kib"] - ns1["pss_kib"]) / 9 / 1024 if ns1 and ns10 else None
go1 = memory["go"]["1"]
go_marginal = (go10["pss_kib"] - go1["pss_kib"]) / 9 / 1024 if go1 and go10 else None
row("c_marginal_namespace", "marginal PSS of one more container (namespace grouping; target <= 1 MiB)", "MiB",
    go_marginal, marginal, None)
st_go, st_jr = numbers("stdout_go"), numbers("stdout_jrunc")
row("d_stdout", "stdout throughput, 512 MiB, median", "MiB/s", pct(st_go, .5), pct(st_jr, .5), 1.0, False)
par_go, par_jr = numbers("par_go"), numbers("par_jrunc")
row("e_parallel", "10 containers started in parallel (ctr run -d), median", "ms", pct(par_go, .5), pct(par_jr, .5), 1.5)
ns_go, ns_jr = numbers("nsrun_go"), numbers("nsrun_jrunc")
row("i_ns_run_p50", "ctr run --rm /bin/true, namespace grouping, daemon up, median", "ms", pct(ns_go, .5),
    pct(ns_jr, .5), 1.0)
nsp_go, nsp_jr = numbers("nspar_go"), numbers("nspar_jrunc")
row("i_ns_parallel", "10 parallel starts, namespace grouping, daemon up, median", "ms", pct(nsp_go, .5),
    pct(nsp_jr, .5), 1.0)
sp_go, sp_jr = numbers("spare_go"), numbers("spare_jrunc")
row("h_spare_p50", "ctr run --rm /bin/true, warm spare ready, median", "ms", pct(sp_go, .5), pct(sp_jr, .5), 1.5)
row("h_spare_p90", "ctr run --rm /bin/true, warm spare ready, p90", "ms", pct(sp_go, .9), pct(sp_jr, .9), 1.5)
spare_mem = numbers("spare_mem")
if spare_mem:
    row("h_spare_pss", "PSS of one idle warm spare (reported; Go has none)", "MiB", None, spare_mem[0] / 1024, None)
    row("h_spare_rss", "RSS of one idle warm spare", "MiB", None, numbers("spare_mem", 1)[0] / 1024, None)
sppar_go, sppar_jr = numbers("sparepar_go"), numbers("sparepar_jrunc")
served = numbers("sparepar_served")
row("j_spare_parallel", "10 parallel starts, sandbox grouping, warm spare ready (it serves one; nine boot a JVM), median"
    + (f" [spare served {sum(served):.0f} of {len(served)} rounds]" if served else ""),
    "ms", pct(sppar_go, .5), pct(sppar_jr, .5), None)
cri_go, cri_jr = numbers("cripod_go"), numbers("cripod_jrunc")
row("k_cri_second_p50", "CRI: second container of a pod (sandbox grouping) CreateContainer+StartContainer, median",
    "ms", pct(cri_go, .5), pct(cri_jr, .5), 1.0)
row("k_cri_second_p90", "CRI: second container of a pod (sandbox grouping) CreateContainer+StartContainer, p90",
    "ms", pct(cri_go, .9), pct(cri_jr, .9), None)

# (g) one daemon from the inside (bench/daemon-stats.sh), absolute targets (issue 14); PSS per daemon from (c)
daemon = [dict(kv.split("=", 1) for kv in line.split()) for line in open(os.path.join(raw, "daemon"))
          if line.strip()] if os.path.exists(os.path.join(raw, "daemon")) else []
def daemon_median(field, scale=1.0):
    return statistics.median(float(d[field]) for d in daemon) * scale if daemon else None
row("g_classes", "classes loaded, one daemon serving one container", "classes", None, daemon_median("classes"),
    3000, absolute=True)
row("g_live_heap", "live heap after a full GC, one daemon serving one container", "MiB", None,
    daemon_median("live_heap_kib", 1 / 1024), 3.0, absolute=True)
row("g_cpu", "CPU s (utime+stime) of a daemon until its container runs", "s", None, daemon_median("cpu_s"),
    0.3, absolute=True)
sandbox10 = memory["sandbox"]["10"]
row("g_pss_daemon", "PSS per daemon, 10 containers, grouping=sandbox", "MiB", None,
    sandbox10["pss_kib"] / sandbox10["processes"] / 1024 if sandbox10 and sandbox10["processes"] else None,
    25.0, absolute=True)

ttrpc = {}
path = os.path.join(raw, "ttrpc")
if os.path.exists(path):
    for line in open(path):
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("java", "go") and "calls_per_s=" in line:
            fields = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
            ttrpc[(parts[0], parts[1])] = {k: float(v) for k, v in fields.items()}
for conns in ("1", "8"):
    j, g = ttrpc.get(("java", conns)), ttrpc.get(("go", conns))
    if j and g:
        row(f"f_ttrpc_{conns}_calls", f"ttrpc unary calls/s, {conns} connection(s)", "calls/s",
            g["calls_per_s"], j["calls_per_s"], None, False)
        row(f"f_ttrpc_{conns}_p99", f"ttrpc unary p99, {conns} connection(s)", "us", g["p99_us"], j["p99_us"], None)


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except Exception:
        return "?"


machine = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "cpu": cpu_model(), "cpus": os.cpu_count(), "kernel": platform.release(),
    "load_average": open("/proc/loadavg").read().split()[:3],
    "containerd": version(["containerd", "--version"]), "runc": version(["runc", "--version"]),
}


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


lines = [f"Measured {machine['date']} on {machine['cpus']} x {machine['cpu']}, kernel {machine['kernel']}, "
         f"load average {' '.join(machine['load_average'])}; {machine['containerd']}; N={n}; bench took {seconds} s.", "",
         "| measurement | unit | Go | jrunc | jrunc/Go | target | met |", "|---|---|---|---|---|---|---|"]
for r in rows:
    target = "-" if r["target"] is None else \
        f"{r['target_kind']} {r['target']}" + ("" if r.get("target_absolute") else "x")
    met = "-" if r["met"] is None else ("yes" if r["met"] else "**no**")
    lines.append(f"| {r['what']} | {r['unit']} | {fmt(r['go'])} | {fmt(r['jrunc'])} | "
                 f"{fmt(r['ratio']) + 'x' if r['ratio'] is not None else '-'} | {target} | {met} |")
table = "\n".join(lines)
print(table)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "latest.md"), "w") as f:
    f.write(table + "\n")
with open(os.path.join(out, "latest.json"), "w") as f:
    json.dump({"machine": machine, "n": n, "seconds": seconds, "rows": rows, "memory_kib": memory,
               "raw": {name: open(os.path.join(raw, name)).read().split("\n") for name in sorted(os.listdir(raw))
                       if not name.endswith(".err") and os.path.isfile(os.path.join(raw, name))}}, f, indent=1)

# SVG: one bar per row with a ratio (log scale would hide the story; cap the bar at 10x and print the value)
bars = [r for r in rows if r["ratio"] is not None]
width, bar_h, left, scale_max = 860, 22, 430, 10.0
height = 60 + len(bars) * (bar_h + 8)
plot = width - left - 60
x = lambda v: left + min(v, scale_max) / scale_max * plot
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
       f'<text x="10" y="20" font-size="14">jrunc / Go ({machine["date"]}, {machine["cpus"]} CPUs, load {machine["load_average"][0]})</text>']
for tick in (1, 2, 5, 10):
    svg.append(f'<line x1="{x(tick):.1f}" y1="32" x2="{x(tick):.1f}" y2="{height - 10}" stroke="#bbb" stroke-dasharray="3,3"/>')
    svg.append(f'<text x="{x(tick) - 6:.1f}" y="44" fill="#666">{tick}x</text>')
for i, r in enumerate(bars):
    y = 52 + i * (bar_h + 8)
    color = "#888" if r["met"] is None else ("#2a9d4a" if r["met"] else "#d1495b")
    svg.append(f'<text x="10" y="{y + 15}">{r["what"][:62]}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{x(r["ratio"]) - left:.1f}" height="{bar_h}" fill="{color}"/>')
    if r["target"] is not None and not r.get("target_absolute"):
        svg.append(f'<line x1="{x(r["target"]):.1f}" y1="{y - 2}" x2="{x(r["target"]):.1f}" y2="{y + bar_h + 2}" stroke="#000" stroke-width="2"/>')
    svg.append(f'<text x="{x(r["ratio"]) + 4:.1f}" y="{y + 15}">{fmt(r["ratio"])}x</text>')
svg.append("</svg>")
with open(os.path.join(out, "latest.svg"), "w") as f:
    f.write("\n".join(svg) + "\n")
print(f"\nwritten: {out}/latest.json, latest.md, latest.svg")
