#!/usr/bin/env bash
# Builds the cgroup v2 test guest from Debian packages (no image from outside) and prints the directory that
# holds it: vmlinux (uncompressed: boots faster under TCG), initrd.img (virtio_pci virtio_blk ext4 only) and
# rootfs.ext4 (mkfs.ext4 -d, no loop mount). Cached under .cache/cgroup2-vm/<sha256 of this script>: a re-run
# with the same script prints the cached directory at once; an edit of this script builds a new image.
# The image holds only what boots and runs the guest: the scenarios come in at run time over 9p (see run.sh).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
key=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
cache="$top/.cache/cgroup2-vm"
out="$cache/$key"
if [ -f "$out/done" ]; then echo "$out"; exit 0; fi
[ "$(id -u)" -eq 0 ] || { echo "build-image: run as root (mmdebstrap, mkfs.ext4 -d with owners)" >&2; exit 1; }

need=()
for p in qemu-system-x86 mmdebstrap e2fsprogs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "build-image: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# old keys are stale builds of an older script
rm -rf "$cache"/*/
work="$cache/$key.tmp"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

packages=systemd-sysv,udev,kmod,linux-image-amd64,initramfs-tools,containerd,runc,busybox-static,bash,coreutils,procps,util-linux,jq
echo "build-image: mmdebstrap --variant=minbase bookworm ($packages), a few minutes" >&2
start=$(date +%s)
# setup-hook: a minimal initrd (the kernel's install trigger builds it with this configuration).
# customize-hook: the boot-to-runner unit, the root fstab, no password for root, nothing the test does not need.
mmdebstrap --variant=minbase --include="$packages" \
  --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"
    echo MODULES=list > "$1/etc/initramfs-tools/conf.d/jshim-cgroup2"
    printf "virtio_pci\nvirtio_blk\next4\n" > "$1/usr/share/initramfs-tools/modules.d/jshim-cgroup2"' \
  --customize-hook='cat > "$1/etc/systemd/system/jshim-cgroup2.service" <<UNIT
[Unit]
Description=jshim cgroup v2 scenarios (the runner comes over 9p)
After=local-fs.target
DefaultDependencies=no
[Service]
Type=oneshot
StandardOutput=journal+console
StandardError=journal+console
ExecStart=/usr/local/sbin/jshim-cgroup2-entry
UNIT
    cat > "$1/usr/local/sbin/jshim-cgroup2-entry" <<ENTRY
#!/bin/bash
# mounts the host shares and runs the runner from the ctl share; always powers off
modprobe 9pnet_virtio; modprobe 9p
mkdir -p /mnt/ctl /mnt/out
mount -t 9p -o trans=virtio,version=9p2000.L,ro ctl /mnt/ctl
mount -t 9p -o trans=virtio,version=9p2000.L,sync out /mnt/out
if [ -x /mnt/ctl/guest/run-all.sh ]; then
  /mnt/ctl/guest/run-all.sh > /mnt/out/guest.log 2>&1
  echo \$? > /mnt/out/guest.rc
else
  echo "no /mnt/ctl/guest/run-all.sh" > /mnt/out/guest.log; echo 2 > /mnt/out/guest.rc
fi
sync
systemctl poweroff -f || poweroff -f
ENTRY
    chmod 755 "$1/usr/local/sbin/jshim-cgroup2-entry"
    mkdir -p "$1/etc/systemd/system/multi-user.target.wants"
    ln -sf /etc/systemd/system/jshim-cgroup2.service "$1/etc/systemd/system/multi-user.target.wants/jshim-cgroup2.service"
    for u in containerd.service getty@tty1.service serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer \
             dpkg-db-backup.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer systemd-timesyncd.service \
             systemd-networkd.service systemd-resolved.service; do ln -sf /dev/null "$1/etc/systemd/system/$u"; done
    echo "/dev/vda / ext4 rw,noatime 0 1" > "$1/etc/fstab"
    echo jshim-cgroup2 > "$1/etc/hostname"
    passwd --root "$1" -d root >/dev/null
    rm -rf "$1/var/cache/apt/archives/"*.deb "$1/var/lib/apt/lists/"*' \
  bookworm "$work/root" >&2
echo "build-image: mmdebstrap took $(( $(date +%s) - start )) s" >&2

vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -1)
initrd=$(ls "$work"/root/boot/initrd.img-* | head -1)
# extract-vmlinux (the kernel's scripts/extract-vmlinux): find a compressed stream's magic, decompress, keep ELF
extract() {
  local magic=$1 tool=$2 pos
  for pos in $(LC_ALL=C grep -abo --text -P "$magic" "$vmlinuz" | cut -d: -f1); do
    tail -c+$((pos + 1)) "$vmlinuz" | $tool > "$work/vmlinux" 2>/dev/null || true
    if [ "$(head -c4 "$work/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]; then return 0; fi
  done
  return 1
}
extract '\x28\xb5\x2f\xfd' 'zstd -dc' || extract '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' || extract '\x1f\x8b\x08' 'gzip -dc' \
  || { echo "build-image: could not extract vmlinux from $vmlinuz" >&2; exit 1; }
cp "$initrd" "$work/initrd.img"
size_mb=$(( $(du -sm "$work/root" | cut -f1) + 1024 ))
mkfs.ext4 -q -F -L jshim-cgroup2 -d "$work/root" "$work/rootfs.ext4" "${size_mb}M" >&2   # stdout is the result
rm -rf "$work/root"
date -u +%FT%TZ > "$work/done"
trap - EXIT
mv "$work" "$out"
echo "build-image: $out (vmlinux $(du -h "$out/vmlinux" | cut -f1), initrd $(du -h "$out/initrd.img" | cut -f1), rootfs ${size_mb} MB)" >&2
echo "$out"
