import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import java.nio.file.Path;

/** Initialises the jnr-posix implementation, calls getpid and mkfifo (args[0] is the fifo path). */
public final class JnrMain {
  public static void main(String[] args) {
    Posix posix = PosixImplementation.JNR.create();
    System.out.println(posix.getpid());
    posix.mkfifo(Path.of(args[0]), 0600);
  }
}
