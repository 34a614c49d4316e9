package io.jshim.posix;

/**
 * The two ends of a pipe created by {@link FileCalls#pipe2}.
 *
 * @param readFd the read end
 * @param writeFd the write end
 */
public record PipeFds(int readFd, int writeFd) {}
