package io.jshim.framework.registry;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.jshim.framework.plugin.NoSettings;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.SkipPluginException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A plugin built in tests: type, id, requires and a module factory. */
final class TestPlugin implements ShimPlugin {
    interface ModuleFactory {
        Module create(PluginContext context) throws SkipPluginException;
    }

    private final PluginType type;
    private final String id;
    private final Set<PluginType> requires;
    private final ModuleFactory factory;
    private final Class<? extends Record> settingsType;

    TestPlugin(String type, String id, List<String> requires, ModuleFactory factory, Class<? extends Record> settingsType) {
        this.type = PluginType.of(type);
        this.id = id;
        Set<PluginType> types = new LinkedHashSet<>();
        requires.forEach(r -> types.add(PluginType.of(r)));
        this.requires = types;
        this.factory = factory;
        this.settingsType = settingsType;
    }

    static TestPlugin of(String type, String id, String... requires) {
        return new TestPlugin(type, id, List.of(requires), ctx -> new AbstractModule() { }, NoSettings.class);
    }

    static TestPlugin of(String type, String id, ModuleFactory factory, String... requires) {
        return new TestPlugin(type, id, List.of(requires), factory, NoSettings.class);
    }

    static DiscoveredPlugin discovered(TestPlugin plugin) {
        return new DiscoveredPlugin(plugin, "test");
    }

    @Override
    public PluginType type() {
        return type;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<PluginType> requires() {
        return requires;
    }

    @Override
    public Class<? extends Record> settingsType() {
        return settingsType;
    }

    @Override
    public Module module(PluginContext context) throws SkipPluginException {
        return factory.create(context);
    }
}
