package io.jshim.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;

/**
 * Internal: the libc functions jnr-posix lacks, bound with jnr-ffi (errno saved: read it with
 * {@code LastError}). Public only because jnr-ffi implements it in its own class loader; use {@link Posix}.
 */
public interface JnrLibC {
  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int pipe2(@Out int[] fds, int flags);

  int waitid(int idtype, int id, Pointer infop, int options);

  long read(int fd, Pointer buf, long count);

  long write(int fd, Pointer buf, long count);

  long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

  int poll(Pointer fds, long nfds, int timeout);

  int ioctl(int fd, long request, Pointer arg);

  int mount(String source, String target, String fstype, long flags, String data);

  int umount2(String target, int flags);

  int eventfd(int initval, int flags);

  int inotify_init1(int flags);

  int inotify_add_watch(int fd, String path, int mask);

  int inotify_rm_watch(int fd, int wd);

  int socket(int domain, int type, int protocol);

  int bind(int fd, Pointer addr, int len);

  int listen(int fd, int backlog);

  int accept4(int fd, Pointer addr, Pointer len, int flags);

  long recvmsg(int fd, Pointer msg, int flags);

  String strerror(int errnum);

  int posix_spawn(Pointer pid, Pointer path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

  int posix_spawnp(Pointer pid, Pointer path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  int posix_spawn_file_actions_addclose(Pointer actions, int fd);

  int posix_spawn_file_actions_addopen(Pointer actions, int fd, Pointer path, int flags, int mode);

  int posix_spawn_file_actions_addchdir_np(Pointer actions, Pointer path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int sigfillset(Pointer set);

  int sigemptyset(Pointer set);
}
