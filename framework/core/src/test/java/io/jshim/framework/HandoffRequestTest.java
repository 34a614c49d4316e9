package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoffRequestTest {
    private static final int SELF = 4242;
    private static final String HOME = "/opt/jshim";
    private static final String FP = "123-456";

    @TempDir
    Path root;
    private Path claim;
    private Path bundle;

    @BeforeEach
    void validClaim() throws Exception {
        claim = Files.createDirectory(root.resolve("claim.77"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        bundle = Files.createDirectory(root.resolve("bundle"));
        Files.writeString(claim.resolve("pid"), Integer.toString(SELF));
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\noom-pid=99\n"
                + "arg=-namespace\narg=ns\narg=-id\narg=t1\narg=-address\narg=/run/c.sock\n");
        Files.write(claim.resolve("env"), "TTRPC_ADDRESS=/run/c.sock.ttrpc\0NAMESPACE=ns\0A=b=c\0".getBytes(StandardCharsets.UTF_8));
        Files.write(claim.resolve("stdin"), new byte[] {1, 2, 3});
    }

    private void request(String content) throws Exception {
        Files.writeString(claim.resolve("request"), content);
    }

    private HandoffRequest read() {
        return HandoffRequest.read("jshim-handoff " + claim, root, SELF, HOME, FP);
    }

    @Test
    void readsArgumentsEnvironmentBundleAndStdin() {
        HandoffRequest request = read();

        assertThat(request.args()).containsExactly("-namespace", "ns", "-id", "t1", "-address", "/run/c.sock");
        assertThat(request.env()).containsEntry("TTRPC_ADDRESS", "/run/c.sock.ttrpc").containsEntry("NAMESPACE", "ns")
                .containsEntry("A", "b=c");
        assertThat(request.cwd()).isEqualTo(bundle);
        assertThat(request.oomPid()).isEqualTo(99);
        assertThat(request.stdin()).containsExactly(1, 2, 3);
    }

    @Test
    void refusesALineOrClaimThatIsNotThisSparesOwn() throws Exception {
        assertThatThrownBy(() -> HandoffRequest.read("garbage", root, SELF, HOME, FP))
                .hasMessageContaining("does not start with \"jshim-handoff\"");
        assertThatThrownBy(() -> HandoffRequest.read("jshim-handoff /etc", root, SELF, HOME, FP))
                .hasMessageContaining("not a claim.<pid> directory of " + root);
        assertThatThrownBy(() -> HandoffRequest.read("jshim-handoff " + root.resolve("claim.77/../claim.77"), root,
                SELF, HOME, FP)).hasMessageContaining("not a claim.<pid> directory");
        assertThatThrownBy(() -> HandoffRequest.read("jshim-handoff " + claim, root, SELF + 1, HOME, FP))
                .hasMessageContaining("belongs to spare \"4242\", not to 4243");
        assertThatThrownBy(() -> HandoffRequest.read("jshim-handoff " + claim, root, SELF, "/other", FP))
                .hasMessageContaining("from installation \"/opt/jshim\"").hasMessageContaining("reached the spare of /other");
        Files.setPosixFilePermissions(claim, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(this::read).hasMessageContaining("has mode rwxr-xr-x, not rwx------");
    }

    @Test
    void refusesMalformedOrOversizedFiles() throws Exception {
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\noom-pid=99\narg=-id\narg=t1\nbogus\n");
        assertThatThrownBy(this::read).hasMessageContaining("a line without key=value: \"bogus\"");
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\noom-pid=x\narg=-id\n");
        assertThatThrownBy(this::read).hasMessageContaining("oom-pid \"x\" is not a pid");
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=relative\noom-pid=9\narg=-id\n");
        assertThatThrownBy(this::read).hasMessageContaining("cwd \"relative\" is not an absolute directory");
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\noom-pid=9\narg=-id\narg=start\n");
        assertThatThrownBy(this::read).hasMessageContaining("ends with the action start");
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\narg=-id\n");
        assertThatThrownBy(this::read).hasMessageContaining("lacks oom-pid");
        request("home=" + HOME + "\nfingerprint=" + FP + "\ncwd=" + bundle + "\noom-pid=9\narg=-id\n");
        Files.write(claim.resolve("stdin"), new byte[HandoffRequest.MAX_STDIN + 1]);
        assertThatThrownBy(this::read).hasMessageContaining("stdin is larger than 1048576 bytes");
        Files.write(claim.resolve("stdin"), new byte[0]);
        Files.write(claim.resolve("env"), "NOEQUALS\0".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(this::read).hasMessageContaining("an entry without NAME=: \"NOEQUALS\"");
        Files.delete(claim.resolve("env"));
        assertThatThrownBy(this::read).hasMessageContaining("env is missing or not a regular file");
    }
}
