package io.jshim.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** posix_spawn through FFM. */
final class FfmSpawner {
  private FfmSpawner() {}

  private static final FunctionDescriptor SPAWN_FN =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
  private static final MethodHandle SPAWN = Ffm.plain("posix_spawn", SPAWN_FN);
  private static final MethodHandle SPAWNP = Ffm.plain("posix_spawnp", SPAWN_FN);
  private static final MethodHandle FA_INIT =
      Ffm.plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle FA_DESTROY =
      Ffm.plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle FA_DUP2 = Ffm.plain(
      "posix_spawn_file_actions_adddup2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle FA_CLOSE = Ffm.plain(
      "posix_spawn_file_actions_addclose", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle FA_OPEN = Ffm.plain("posix_spawn_file_actions_addopen",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle FA_CHDIR = Ffm.plain(
      "posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle FA_CLOSEFROM = Ffm.plain(
      "posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle ATTR_INIT =
      Ffm.plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle ATTR_DESTROY =
      Ffm.plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle ATTR_FLAGS =
      Ffm.plain("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
  private static final MethodHandle ATTR_SIGDEFAULT =
      Ffm.plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle ATTR_SIGMASK =
      Ffm.plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle SIGFILLSET = Ffm.plain("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle SIGEMPTYSET = Ffm.plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));

  /** This process's environment as a C array, made once: posix_spawn only reads it. */
  private static final class InheritedEnvironment {
    static final MemorySegment ENVP = Ffm.stringArray(Arena.global(), SpawnRequest.ProcessEnvironment.ENTRIES);

    private InheritedEnvironment() {
    }
  }

  static int spawn(SpawnRequest request) {
    SpawnPlan plan = SpawnPlan.of(request);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment actions = arena.allocate(SpawnPlan.OPAQUE_BYTES, 16);
      MemorySegment attr = arena.allocate(SpawnPlan.OPAQUE_BYTES, 16);
      check("posix_spawn_file_actions_init", request, (int) FA_INIT.invokeExact(actions));
      try {
        check("posix_spawnattr_init", request, (int) ATTR_INIT.invokeExact(attr));
        try {
          addFileActions(arena, actions, plan, request);
          setAttributes(arena, attr, request);
          MemorySegment pid = arena.allocate(JAVA_INT);
          MemorySegment path = arena.allocateFrom(request.program());
          MemorySegment argv = Ffm.stringArray(arena, request.argv());
          MemorySegment envp = request.inheritsEnvironment() ? InheritedEnvironment.ENVP
              : Ffm.stringArray(arena, request.env());
          MethodHandle spawn = SpawnPlan.searchPath(request) ? SPAWNP : SPAWN;
          int rc = (int) spawn.invokeExact(pid, path, actions, attr, argv, envp);
          if (rc != 0) {
            throw new SpawnException(request.program(), rc, Ffm.strerror(rc));
          }
          return pid.get(JAVA_INT, 0);
        } finally {
          int ignored = (int) ATTR_DESTROY.invokeExact(attr);
        }
      } finally {
        int ignored = (int) FA_DESTROY.invokeExact(actions);
      }
    } catch (PosixException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call posix_spawn failed unexpectedly", t);
    }
  }

  private static void addFileActions(Arena arena, MemorySegment actions, SpawnPlan plan, SpawnRequest request)
      throws Throwable {
    for (int[] dup : plan.dups()) {
      check("posix_spawn_file_actions_adddup2", request, (int) FA_DUP2.invokeExact(actions, dup[0], dup[1]));
    }
    for (int fd : plan.closes()) {
      check("posix_spawn_file_actions_addclose", request, (int) FA_CLOSE.invokeExact(actions, fd));
    }
    for (int[] move : plan.moves()) {
      check("posix_spawn_file_actions_adddup2", request, (int) FA_DUP2.invokeExact(actions, move[0], move[1]));
    }
    MemorySegment devNull = arena.allocateFrom("/dev/null");
    for (int fd : plan.devNullFds()) {
      check("posix_spawn_file_actions_addopen", request,
          (int) FA_OPEN.invokeExact(actions, fd, devNull, FileCalls.O_RDWR, 0));
    }
    if (request.workingDirectory().isPresent()) {
      MemorySegment dir = arena.allocateFrom(request.workingDirectory().get().toString());
      check("posix_spawn_file_actions_addchdir_np", request, (int) FA_CHDIR.invokeExact(actions, dir));
    }
    check("posix_spawn_file_actions_addclosefrom_np", request,
        (int) FA_CLOSEFROM.invokeExact(actions, plan.closeFrom()));
  }

  private static void setAttributes(Arena arena, MemorySegment attr, SpawnRequest request) throws Throwable {
    MemorySegment all = arena.allocate(SpawnPlan.SIGSET_BYTES, 8);
    MemorySegment none = arena.allocate(SpawnPlan.SIGSET_BYTES, 8);
    int ignored = (int) SIGFILLSET.invokeExact(all);
    ignored = (int) SIGEMPTYSET.invokeExact(none);
    check("posix_spawnattr_setsigdefault", request, (int) ATTR_SIGDEFAULT.invokeExact(attr, all));
    check("posix_spawnattr_setsigmask", request, (int) ATTR_SIGMASK.invokeExact(attr, none));
    check("posix_spawnattr_setflags", request, (int) ATTR_FLAGS.invokeExact(attr, SpawnPlan.flags(request)));
  }

  private static void check(String call, SpawnRequest request, int rc) {
    if (rc != 0) {
      throw new SpawnException(request.program() + " (" + call + ")", rc, Ffm.strerror(rc));
    }
  }
}
