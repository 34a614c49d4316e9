package io.jshim.dist;

import io.jshim.framework.Shim;
import io.jshim.plugin.taskrunc.manager.RuncShimManager;

/**
 * {@code containerd-shim-jrunc-v2}: the runtime {@code io.containerd.jrunc.v2}, runc containers through the jshim
 * framework. containerd runs it as {@code containerd-shim-jrunc-v2 -namespace NS -address SOCK -id ID start}
 * (and {@code delete}); the framework parses the flags and runs the action or the daemon.
 */
public final class JruncShim {
  private JruncShim() {}

  /**
   * Runs the shim and exits the JVM with its exit code.
   *
   * @param args the flags and action containerd passes
   */
  public static void main(String[] args) {
    Shim.run(new RuncShimManager(), args);
  }
}
