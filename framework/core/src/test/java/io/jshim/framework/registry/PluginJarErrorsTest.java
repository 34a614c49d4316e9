package io.jshim.framework.registry;

import static io.jshim.framework.registry.PluginJars.jar;
import static io.jshim.framework.registry.PluginJars.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.PluginException;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A broken plugin jar in the plugins directory: the error names the jar and the plugin. */
@Timeout(60)
class PluginJarErrorsTest {
    private static final String NOOP = "return new AbstractModule() { };";

    @TempDir
    Path tmp;

    private Path pluginsDir() {
        return tmp.resolve("plugins");
    }

    /** Discovers, orders and starts every plugin of the plugins dir, as the daemon does. */
    private void load() {
        PluginDiscovery discovery = new PluginDiscovery(getClass().getClassLoader(), Optional.of(pluginsDir()));
        List<DiscoveredPlugin> plugins = discovery.discover().stream().filter(p -> !p.source().equals("class path")).toList();
        ShimConfig config = ShimConfig.load(Optional.empty(), getClass().getClassLoader())
                .withReferencesFrom(discovery.jarLoaders());
        ShimOptions options = new ShimOptions("ns", "id", tmp, false, "", "", "", "", "");
        new PluginRegistry(plugins, config).start(options, binder -> { }).close();
    }

    private static void assertNames(ThrowingCallable call, String... parts) {
        assertThatThrownBy(call).isInstanceOf(PluginException.class).satisfies(e -> {
            for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    @Test
    void aWorkingJarLoads() {
        jar(pluginsDir(), "good.jar", Map.of("Good", plugin("Good", "com.example.v1", "good", "", NOOP)), "Good");
        load();
    }

    @Test
    void aPluginThrowingInItsModuleNamesTheJarThePluginAndTheCause() {
        jar(pluginsDir(), "init-fails.jar", Map.of("Failing", plugin("Failing", "com.example.v1", "failing", "",
                "throw new IllegalStateException(\"database unreachable\");")), "Failing");
        assertNames(this::load, "failed to load plugin com.example.v1.failing", "init-fails.jar", "database unreachable");
    }

    @Test
    void aPluginThrowingWhenStartedNamesTheJarAndThePlugin() {
        String start = """
                return new AbstractModule() {
                    protected void configure() {
                        ShimBindings.managed(binder()).addBinding().toInstance(new Managed() {
                            public void start() { throw new IllegalStateException("port in use"); }
                            public void close() { }
                        });
                    }
                };""";
        jar(pluginsDir(), "start-fails.jar", Map.of("Starting", plugin("Starting", "com.example.v1", "starting", "", start)), "Starting");
        assertNames(this::load, "failed to start plugin com.example.v1.starting", "start-fails.jar", "port in use");
    }

    @Test
    void aPluginWhoseConstructorThrowsNamesTheJarAndTheClass() {
        String source = plugin("Ctor", "com.example.v1", "ctor", "", NOOP)
                .replace("public final class Ctor implements ShimPlugin {",
                        "public final class Ctor implements ShimPlugin {\n public Ctor() { throw new IllegalStateException(\"no licence\"); }");
        jar(pluginsDir(), "ctor-fails.jar", Map.of("Ctor", source), "Ctor");
        assertNames(this::load, "broken.Ctor", "ctor-fails.jar", "no licence");
    }

    @Test
    void aPluginRequiringAnAbsentTypeNamesTheJarThePluginAndTheType() {
        jar(pluginsDir(), "needs-db.jar", Map.of("Needy", plugin("Needy", "com.example.v1", "needy",
                "PluginType.of(\"com.example.database.v1\")", NOOP)), "Needy");
        assertNames(this::load, "com.example.v1.needy", "needs-db.jar", "requires a plugin of type com.example.database.v1",
                "none is installed");
    }

    @Test
    void twoJarsWithTheSameTypeAndIdNameBothJars() {
        jar(pluginsDir(), "first.jar", Map.of("One", plugin("One", "com.example.v1", "same", "", NOOP)), "One");
        jar(pluginsDir(), "second.jar", Map.of("Two", plugin("Two", "com.example.v1", "same", "", NOOP)), "Two");
        assertNames(this::load, "com.example.v1.same", "registered twice", "first.jar", "second.jar", "broken.One", "broken.Two");
    }

    @Test
    void aJarMissingADependencyNamesTheJarThePluginAndTheMissingClass() {
        String helper = "public final class Helper { public static String name() { return \"h\"; } }";
        String plugin = plugin("UsesHelper", "com.example.v1", "uses-helper", "", "Helper.name(); " + NOOP);
        jar(pluginsDir(), "no-deps.jar", Map.of("UsesHelper", plugin, "Helper", helper), List.of("UsesHelper"), Set.of("Helper"));
        assertNames(this::load, "com.example.v1.uses-helper", "no-deps.jar", "broken/Helper",
                "a plugin jar must contain its own dependencies");
    }

    @Test
    void aJarListingAMissingPluginClassNamesTheJarAndTheClass() {
        jar(pluginsDir(), "typo.jar", Map.of("Real", plugin("Real", "com.example.v1", "real", "", NOOP)), "Rael");
        assertNames(this::load, "typo.jar", "broken.Rael");
    }

    @Test
    void aJarWithoutAnyPluginIsAnErrorNamingIt() {
        jar(pluginsDir(), "library.jar", Map.of("Lib", "public final class Lib { }"));
        assertNames(this::load, "library.jar", "no " + "io.jshim.framework.plugin.ShimPlugin");
    }

    @Test
    void aMissingPluginsDirIsNamed() {
        assertNames(this::load, pluginsDir().toString(), "jshim.plugins-dir");
    }
}
