package io.jshim.framework;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Replaces this process's command line as {@code /proc/PID/cmdline} (ps, containerd's tooling, tests that look for a
 * shim's {@code -address}) shows it: {@code prctl(PR_SET_MM)} pointed at a new,
 * never-freed buffer (see {@link #set}). A warm spare uses it when it becomes a
 * group's daemon, so that it shows the daemon's command line a cold start would have.
 */
final class ProcessTitle {
    private static final int PR_SET_MM = 35;
    private static final int PR_SET_MM_ARG_START = 8;
    private static final int PR_SET_MM_ARG_END = 9;
    private static final int PR_SET_MM_MAP = 14;
    /** Fields of {@code /proc/self/stat} (proc(5), 1-based), counted from the state (field 3). */
    private static final int STARTCODE = 26 - 3;
    private static final int ENDCODE = 27 - 3;
    private static final int STARTSTACK = 28 - 3;
    private static final int START_DATA = 45 - 3;
    private static final int END_DATA = 46 - 3;
    private static final int START_BRK = 47 - 3;
    private static final int ARG_END = 49 - 3;
    private static final int ENV_START = 50 - 3;
    private static final int ENV_END = 51 - 3;

    private ProcessTitle() {
    }

    /**
     * Makes {@code argv} this process's command line: {@code PR_SET_MM_MAP} (the whole memory map descriptor with the
     * new argument area; no capability needed), else the single {@code PR_SET_MM_ARG_START/END} calls (they need
     * {@code CAP_SYS_RESOURCE}).
     *
     * @throws ShimException naming the failed call and its errno
     */
    static void set(List<String> argv) {
        byte[] bytes = (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8);
        MemorySegment title = Arena.global().allocate(bytes.length, 16);
        MemorySegment.copy(bytes, 0, title, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        long start = title.address();
        long end = start + bytes.length;
        long[] stat = stat();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle prctl = prctl();
            StructLayout state = Linker.Option.captureStateLayout();
            VarHandle errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MemorySegment captured = arena.allocate(state);
            // struct prctl_mm_map: 11 u64 addresses, u64 *auxv, u32 auxv_size, u32 exe_fd (-1: unchanged)
            MemorySegment map = arena.allocate(104, 8);
            long[] fields = {stat[STARTCODE], stat[ENDCODE], stat[START_DATA], stat[END_DATA], stat[START_BRK],
                    brk(), stat[STARTSTACK], start, end, stat[ENV_START], stat[ENV_END]};
            for (int i = 0; i < fields.length; i++) {
                map.set(JAVA_LONG, i * 8L, fields[i]);
            }
            map.set(JAVA_LONG, 88, 0L);
            map.set(JAVA_INT, 96, 0);
            map.set(JAVA_INT, 100, -1);
            int result = (int) prctl.invokeExact(captured, PR_SET_MM, (long) PR_SET_MM_MAP, map.address(), 104L, 0L);
            if (result == 0) {
                return;
            }
            int mapErrno = (int) errno.get(captured, 0L);
            // the kernel checks arg_start <= arg_end after each call: move the end first when the buffer lies above
            int[] order = start >= stat[ARG_END] ? new int[] {PR_SET_MM_ARG_END, PR_SET_MM_ARG_START}
                    : new int[] {PR_SET_MM_ARG_START, PR_SET_MM_ARG_END};
            for (int option : order) {
                long value = option == PR_SET_MM_ARG_START ? start : end;
                result = (int) prctl.invokeExact(captured, PR_SET_MM, (long) option, value, 0L, 0L);
                if (result != 0) {
                    throw new ShimException("failed to set the process command line: prctl(PR_SET_MM, MAP) failed "
                            + "with errno " + mapErrno + ", prctl(PR_SET_MM, "
                            + (option == PR_SET_MM_ARG_START ? "ARG_START" : "ARG_END") + ") with errno "
                            + (int) errno.get(captured, 0L));
                }
            }
        } catch (ShimException e) {
            throw e;
        } catch (Throwable e) {
            throw new ShimException("failed to set the process command line: " + e, e);
        }
    }

    /** {@code /proc/self/stat} as numbers, indexed from field 3 (the state; itself 0). */
    private static long[] stat() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long[] values = new long[fields.length];
            for (int i = 1; i < fields.length; i++) {
                String field = fields[i].strip();
                values[i] = field.startsWith("-") ? Long.parseLong(field) : Long.parseUnsignedLong(field);
            }
            return values;
        } catch (IOException | RuntimeException e) {
            throw new ShimException("failed to set the process command line: cannot read /proc/self/stat: " + e, e);
        }
    }

    /** The current program break: {@code sbrk(0)}. */
    private static long brk() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle sbrk = linker.downcallHandle(linker.defaultLookup().find("sbrk").orElseThrow(),
                FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS, JAVA_LONG));
        return ((MemorySegment) sbrk.invokeExact(0L)).address();
    }

    private static MethodHandle prctl() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }
}
