package io.jshim.framework.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.jshim.framework.ConfigurationException;
import io.jshim.framework.plugin.PluginType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shim's HOCON configuration: the operator's file (env {@code JSHIM_CONFIG}, else
 * {@code /etc/jshim/jshim.conf} when it exists) over the {@code reference.conf} of the framework and of
 * every plugin jar. Two blocks are allowed at the top: {@code jshim} (the {@link FrameworkSettings}) and
 * {@code plugins."<type>".<id>} (each plugin's {@code enabled} flag and settings). Everything is validated
 * when loaded; errors name the file, the line and the key.
 */
public final class ShimConfig {
    /** Environment variable naming the operator's configuration file. */
    public static final String CONFIG_ENV = "JSHIM_CONFIG";
    /** The operator's configuration file used when {@value #CONFIG_ENV} is not set (optional). */
    public static final Path DEFAULT_FILE = Path.of("/etc/jshim/jshim.conf");

    static final String FRAMEWORK_BLOCK = "jshim";
    static final String PLUGINS_BLOCK = "plugins";
    static final String ENABLED = "enabled";

    private final Config config;
    private final Optional<Path> file;
    private final FrameworkSettings framework;
    private final Map<String, Record> pluginSettings = new ConcurrentHashMap<>();

    private ShimConfig(Config config, Optional<Path> file) {
        this.config = config;
        this.file = file;
        this.framework = SettingsMapper.map(config.getConfig(FRAMEWORK_BLOCK), FRAMEWORK_BLOCK,
                FrameworkSettings.class, Set.of());
    }

    /**
     * Loads the configuration named by the environment.
     *
     * @param env    the process environment ({@value #CONFIG_ENV} names the file)
     * @param loader finds the {@code reference.conf} files of the framework and the class-path plugins
     */
    public static ShimConfig load(Map<String, String> env, ClassLoader loader) {
        String named = env.get(CONFIG_ENV);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            if (!Files.isRegularFile(path)) {
                throw new ConfigurationException("failed to read configuration " + path + " (from $" + CONFIG_ENV
                        + "): no such file");
            }
            return load(Optional.of(path), loader);
        }
        return load(Files.isRegularFile(DEFAULT_FILE) ? Optional.of(DEFAULT_FILE) : Optional.empty(), loader);
    }

    /** Loads {@code file} (if any) over the reference configuration found by {@code loader}. */
    public static ShimConfig load(Optional<Path> file, ClassLoader loader) {
        requireNonNull(file, "file is null");
        requireNonNull(loader, "loader is null");
        try {
            Config operator = file.map(f -> ConfigFactory.parseFile(f.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false))).orElse(ConfigFactory.empty());
            checkTopLevel(operator);
            Config reference = ConfigFactory.parseResourcesAnySyntax(loader, "reference");
            return new ShimConfig(operator.withFallback(reference).resolve(), file);
        } catch (ConfigException e) {
            throw new ConfigurationException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /**
     * This configuration plus the {@code reference.conf} found by {@code loaders} (plugin jars); this very
     * configuration (with the plugin settings it already mapped) when there are none.
     */
    public ShimConfig withReferencesFrom(Collection<ClassLoader> loaders) {
        if (loaders.isEmpty()) {
            return this;
        }
        Config merged = config;
        try {
            for (ClassLoader loader : loaders) {
                merged = merged.withFallback(ConfigFactory.parseResourcesAnySyntax(loader, "reference"));
            }
            return new ShimConfig(merged.resolve(), file);
        } catch (ConfigException e) {
            throw new ConfigurationException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /** The operator's file, when one was read. */
    public Optional<Path> file() {
        return file;
    }

    /**
     * Whether the operator's file alone decides these settings: it has no substitution ({@code ${...}}, which may
     * read the environment) and no {@code include} (another file), or there is no file. A launcher fingerprints only
     * that file (its identity, not what it reads), so only a daemon whose settings follow from it may be joined by
     * a later start without a JVM ({@code JoinRecord}). Decided on the file's text, read when asked (only a serving
     * daemon asks, once), as conservatively as the words appear anywhere in it (a comment too); an unreadable file:
     * false.
     */
    public boolean selfContained() {
        if (file.isEmpty()) {
            return true;
        }
        try {
            String text = Files.readString(file.get(), StandardCharsets.UTF_8);
            return !text.contains("${") && !text.contains("include");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The {@code jshim} block. */
    public FrameworkSettings framework() {
        return framework;
    }

    /** {@code plugins."<type>".<id>.enabled}, true when absent. */
    public boolean enabled(PluginType type, String id) {
        String path = ConfigUtil.joinPath(PLUGINS_BLOCK, type.name(), id, ENABLED);
        try {
            return !config.hasPath(path) || config.getBoolean(path);
        } catch (ConfigException e) {
            throw new ConfigurationException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /**
     * The plugin's settings block mapped onto {@code settingsType}; an empty block when absent. Mapped once per
     * plugin and type (records are immutable): a warm spare's daemon gets the settings its warm-up mapped.
     */
    public <T extends Record> T pluginSettings(PluginType type, String id, Class<T> settingsType) {
        String path = ConfigUtil.joinPath(PLUGINS_BLOCK, type.name(), id);
        return settingsType.cast(pluginSettings.computeIfAbsent(path + " " + settingsType.getName(), key -> {
            Config block = config.hasPath(path) ? config.getConfig(path) : ConfigFactory.empty(path);
            return SettingsMapper.map(block, path, settingsType, Set.of(ENABLED));
        }));
    }

    /**
     * Checks that every {@code plugins."<type>".<id>} block names a discovered plugin.
     *
     * @param knownUris {@code <type>.<id>} of every discovered plugin
     */
    public void checkPluginBlocks(Set<String> knownUris) {
        if (!config.hasPath(PLUGINS_BLOCK)) {
            return;
        }
        ConfigObject plugins = config.getObject(PLUGINS_BLOCK);
        for (Map.Entry<String, ConfigValue> typeEntry : plugins.entrySet()) {
            if (typeEntry.getValue().valueType() != ConfigValueType.OBJECT) {
                throw notAnObject(ConfigUtil.joinPath(PLUGINS_BLOCK, typeEntry.getKey()), typeEntry.getValue());
            }
            for (Map.Entry<String, ConfigValue> idEntry : ((ConfigObject) typeEntry.getValue()).entrySet()) {
                String uri = typeEntry.getKey() + "." + idEntry.getKey();
                String path = ConfigUtil.joinPath(PLUGINS_BLOCK, typeEntry.getKey(), idEntry.getKey());
                if (idEntry.getValue().valueType() != ConfigValueType.OBJECT) {
                    throw notAnObject(path, idEntry.getValue());
                }
                if (!knownUris.contains(uri)) {
                    throw new ConfigurationException("invalid configuration "
                            + SettingsMapper.where(idEntry.getValue().origin()) + ": unknown plugin " + path
                            + DidYouMean.hint(uri, knownUris) + " (installed plugins: "
                            + String.join(", ", new TreeSet<>(knownUris)) + ")");
                }
            }
        }
    }

    /** The effective {@code jshim} and {@code plugins} blocks as HOCON, with origin comments. */
    public String render() {
        ConfigRenderOptions options = ConfigRenderOptions.defaults().setJson(false).setOriginComments(true);
        Config shown = config.withOnlyPath(FRAMEWORK_BLOCK);
        if (config.hasPath(PLUGINS_BLOCK)) {
            shown = shown.withFallback(config.withOnlyPath(PLUGINS_BLOCK));
        }
        return shown.root().render(options);
    }

    private static void checkTopLevel(Config operator) {
        List<String> allowed = List.of(FRAMEWORK_BLOCK, PLUGINS_BLOCK);
        for (Map.Entry<String, ConfigValue> entry : operator.root().entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                throw new ConfigurationException("invalid configuration " + SettingsMapper.where(entry.getValue().origin())
                        + ": unknown key " + entry.getKey() + DidYouMean.hint(entry.getKey(), allowed)
                        + " (allowed at the top: jshim, plugins)");
            }
        }
        if (operator.hasPath(FRAMEWORK_BLOCK) && operator.getValue(FRAMEWORK_BLOCK).valueType() != ConfigValueType.OBJECT) {
            throw notAnObject(FRAMEWORK_BLOCK, operator.getValue(FRAMEWORK_BLOCK));
        }
    }

    private static ConfigurationException notAnObject(String path, ConfigValue value) {
        return new ConfigurationException("invalid configuration " + SettingsMapper.where(value.origin()) + ": key "
                + path + " must be an object, got " + value.valueType().name().toLowerCase(java.util.Locale.ROOT));
    }
}
