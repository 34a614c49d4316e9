package io.jshim.posix;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * posix_spawn through jnr-ffi: jnr-posix's own {@code posix_spawnp} has no setsid, signal attributes,
 * chdir or closefrom.
 */
final class JnrSpawner {
  private final Jnr jnr;

  JnrSpawner(Jnr jnr) {
    this.jnr = jnr;
  }

  int spawn(SpawnRequest request) {
    JnrLibC libc = jnr.libc;
    SpawnPlan plan = SpawnPlan.of(request);
    List<Pointer> keepAlive = new ArrayList<>();
    Pointer actions = jnr.allocate(SpawnPlan.OPAQUE_BYTES);
    Pointer attr = jnr.allocate(SpawnPlan.OPAQUE_BYTES);
    check("posix_spawn_file_actions_init", request, libc.posix_spawn_file_actions_init(actions));
    try {
      check("posix_spawnattr_init", request, libc.posix_spawnattr_init(attr));
      try {
        for (int[] dup : plan.dups()) {
          check("posix_spawn_file_actions_adddup2", request, libc.posix_spawn_file_actions_adddup2(actions, dup[0], dup[1]));
        }
        for (int fd : plan.closes()) {
          check("posix_spawn_file_actions_addclose", request, libc.posix_spawn_file_actions_addclose(actions, fd));
        }
        for (int[] move : plan.moves()) {
          check("posix_spawn_file_actions_adddup2", request, libc.posix_spawn_file_actions_adddup2(actions, move[0], move[1]));
        }
        Pointer devNull = jnr.cString("/dev/null");
        for (int fd : plan.devNullFds()) {
          check("posix_spawn_file_actions_addopen", request,
              libc.posix_spawn_file_actions_addopen(actions, fd, devNull, FileCalls.O_RDWR, 0));
        }
        Pointer dir = request.workingDirectory().map(d -> jnr.cString(d.toString())).orElse(null);
        if (dir != null) {
          check("posix_spawn_file_actions_addchdir_np", request, libc.posix_spawn_file_actions_addchdir_np(actions, dir));
        }
        check("posix_spawn_file_actions_addclosefrom_np", request,
            libc.posix_spawn_file_actions_addclosefrom_np(actions, plan.closeFrom()));
        Pointer all = jnr.allocate(SpawnPlan.SIGSET_BYTES);
        Pointer none = jnr.allocate(SpawnPlan.SIGSET_BYTES);
        libc.sigfillset(all);
        libc.sigemptyset(none);
        check("posix_spawnattr_setsigdefault", request, libc.posix_spawnattr_setsigdefault(attr, all));
        check("posix_spawnattr_setsigmask", request, libc.posix_spawnattr_setsigmask(attr, none));
        check("posix_spawnattr_setflags", request, libc.posix_spawnattr_setflags(attr, SpawnPlan.flags(request)));

        Pointer pid = jnr.allocate(4);
        Pointer path = jnr.cString(request.program());
        Pointer argv = jnr.stringArray(request.argv(), keepAlive);
        Pointer envp = jnr.stringArray(request.env(), keepAlive);
        int rc = SpawnPlan.searchPath(request)
            ? libc.posix_spawnp(pid, path, actions, attr, argv, envp)
            : libc.posix_spawn(pid, path, actions, attr, argv, envp);
        if (rc != 0) {
          throw new SpawnException(request.program(), rc, jnr.strerror(rc));
        }
        keepAlive.clear();
        return pid.getInt(0);
      } finally {
        libc.posix_spawnattr_destroy(attr);
      }
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
    }
  }

  private void check(String call, SpawnRequest request, int rc) {
    if (rc != 0) {
      throw new SpawnException(request.program() + " (" + call + ")", rc, jnr.strerror(rc));
    }
  }
}
