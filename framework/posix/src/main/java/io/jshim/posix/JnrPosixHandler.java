package io.jshim.posix;

import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import jnr.constants.platform.Errno;
import jnr.posix.POSIXHandler;

/** The jnr-posix handler: errors become {@link Jnr.JnrHandlerError}, the rest is the process's own. */
final class JnrPosixHandler implements POSIXHandler {
  @Override
  public void error(Errno error, String extraData) {
    throw new Jnr.JnrHandlerError(error.intValue());
  }

  @Override
  public void error(Errno error, String methodName, String extraData) {
    throw new Jnr.JnrHandlerError(error.intValue());
  }

  @Override
  public void unimplementedError(String methodName) {
    throw new UnsupportedOperationException("jnr-posix does not implement " + methodName + " here");
  }

  @Override
  public void warn(WARNING_ID id, String message, Object... data) {}

  @Override
  public boolean isVerbose() {
    return false;
  }

  @Override
  public File getCurrentWorkingDirectory() {
    return new File(System.getProperty("user.dir"));
  }

  @Override
  public String[] getEnv() {
    return System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
  }

  @Override
  public InputStream getInputStream() {
    return System.in;
  }

  @Override
  public PrintStream getOutputStream() {
    return System.out;
  }

  @Override
  public int getPID() {
    return (int) ProcessHandle.current().pid();
  }

  @Override
  public PrintStream getErrorStream() {
    return System.err;
  }
}
