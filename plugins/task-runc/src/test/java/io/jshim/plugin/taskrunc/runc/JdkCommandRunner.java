package io.jshim.plugin.taskrunc.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Test-only runner on ProcessBuilder (the daemon uses the framework's launcher instead). */
final class JdkCommandRunner implements CommandRunner {
    @Override
    public Result run(Command command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command.argv()).redirectErrorStream(true);
        if (command.workDir() != null) {
            pb.directory(command.workDir().toFile());
        }
        Process p = pb.start();
        p.getOutputStream().write(command.stdin());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), (int) p.pid(), out);
    }
}
