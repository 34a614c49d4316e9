package io.jshim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.jshim.framework.ConfigurationException;
import io.jshim.framework.PluginException;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.ttrpc.MethodDescriptor;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestShimTest {
    private static final String GREETER = "io.containerd.ttrpc.v1.greeter";

    @Test
    void servesAPluginOverARealSocketWithItsSettingsStateDirEventsAndInterceptors() throws Exception {
        GreeterPlugin greeter = new GreeterPlugin();
        Path root;
        try (TestShim shim = TestShim.builder().plugin(greeter).start()) {
            root = shim.socket().getParent();
            assertThat(shim.socket()).exists();
            StringValue answer = shim.client().call(GreeterPlugin.GREET, StringValue.of("world"));

            assertThat(answer.getValue()).isEqualTo("hello, world");
            assertThat(shim.stateDir(PluginType.TTRPC, "greeter").resolve("last")).hasContent("hello, world");
            assertThat(shim.events().await("/greeter/greeted", StringValue.class, Duration.ofSeconds(5)).getValue())
                    .isEqualTo("world");
            assertThat(greeter.journal.intercepted).containsExactly("test.Greeter/Greet");
            assertThat(greeter.journal.lifecycle).containsExactly("start");
            assertThat(shim.startedPlugins()).containsSubsequence("io.containerd.internal.v1.shutdown", GREETER)
                    .contains(TestShim.CAPTURING_PUBLISHER_URI);
        }
        assertThat(greeter.journal.lifecycle).containsExactly("start", "shutdown callback", "close");
        assertThat(root).doesNotExist();
    }

    @Test
    void replacesTheRealPublisherPluginFoundOnTheClassPath() {
        try (TestShim shim = TestShim.builder().plugin(new GreeterPlugin()).start()) {
            assertThat(shim.skippedPlugins()).containsKey("io.containerd.event.v1.publisher");
            assertThat(shim.skippedPlugins().get("io.containerd.event.v1.publisher")).contains("disabled");
            assertThat(shim.exposed(io.jshim.framework.plugin.Publisher.class)).isSameAs(shim.events());
        }
    }

    @Test
    void mapsHoconSettingsOntoThePluginRecord() {
        HoconConfig config = HoconConfig.create().plugin(PluginType.TTRPC, "greeter", "greeting", "bonjour");
        try (TestShim shim = TestShim.builder().plugin(new GreeterPlugin()).config(config).start()) {
            assertThat(shim.client().call(GreeterPlugin.GREET, StringValue.of("monde")).getValue()).isEqualTo("bonjour, monde");
            assertThat(shim.configFile()).content().contains("bonjour");
        }
    }

    @Test
    void rejectsAnUnknownSettingNamingTheFileAndKey() {
        HoconConfig config = HoconConfig.create().plugin(PluginType.TTRPC, "greeter", "greting", "hi");
        assertThatThrownBy(() -> TestShim.builder().plugin(new GreeterPlugin()).config(config).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf")
                .hasMessageContaining("unknown key plugins.\"io.containerd.ttrpc.v1\".greeter.greting")
                .hasMessageContaining("did you mean \"greeting\"");
    }

    @Test
    void disabledPluginAnswersUnimplemented() {
        HoconConfig config = HoconConfig.create().disable(PluginType.TTRPC, "greeter");
        try (TestShim shim = TestShim.builder().plugin(new GreeterPlugin()).config(config).start()) {
            assertThat(shim.startedPlugins()).doesNotContain(GREETER);
            assertThatThrownBy(() -> shim.client().call(GreeterPlugin.GREET, StringValue.of("x")))
                    .isInstanceOfSatisfying(TtrpcException.class,
                            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
        }
    }

    @Test
    void statusesAndInterceptorsReachTheClient() {
        try (TestShim shim = TestShim.builder().plugin(new GreeterPlugin()).start();
                TtrpcClient second = shim.connect()) {
            assertThatThrownBy(() -> second.call(GreeterPlugin.GREET, StringValue.of("")))
                    .isInstanceOfSatisfying(TtrpcException.class, e -> {
                        assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.status().description()).isEqualTo("name is empty");
                    });
            MethodDescriptor<StringValue, StringValue> unknown = MethodDescriptor.create(
                    "test.Nobody", "Call", StringValue.parser(), StringValue.parser());
            assertThatThrownBy(() -> second.call(unknown, StringValue.of("")))
                    .isInstanceOfSatisfying(TtrpcException.class,
                            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
        }
    }

    @Test
    void theShutdownServiceIsTheRealOneAndCloseTriggersIt() throws Exception {
        TestShim shim = TestShim.builder().plugin(new GreeterPlugin()).start();
        ShutdownService shutdown = shim.exposed(ShutdownService.class);
        assertThat(shutdown.isShutdown()).isFalse();
        shim.close();
        assertThat(shutdown.isShutdown()).isTrue();
        assertThat(shutdown.awaitDone(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void aPluginRegisteredTwiceNamesBothSources() {
        assertThatThrownBy(() -> TestShim.builder().plugin(new GreeterPlugin()).plugin(new GreeterPlugin()).start())
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("registered twice")
                .hasMessageContaining("TestShim.Builder.plugin()");
    }

    @Test
    void aFailedStartLeavesNoTemporaryDirectory() throws Exception {
        long before;
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            before = list.filter(p -> p.getFileName().toString().startsWith("jshim-test-")).count();
        }
        HoconConfig config = HoconConfig.create().set("jshim.posix", "nope");
        assertThatThrownBy(() -> TestShim.builder().config(config).start()).isInstanceOf(ConfigurationException.class);
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(list.filter(p -> p.getFileName().toString().startsWith("jshim-test-")).count()).isLessThanOrEqualTo(before);
        }
    }
}
