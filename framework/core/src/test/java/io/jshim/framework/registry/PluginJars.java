package io.jshim.framework.registry;

import com.google.inject.AbstractModule;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.ttrpc.BindableService;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles plugin sources and packs them into a plugin jar, as a third party would ship one. */
final class PluginJars {
    private PluginJars() {
    }

    /**
     * Writes {@code dir/<jarName>} holding the compiled {@code sources} (simple class name to source, package
     * {@code broken}) except {@code omitted}, with {@code META-INF/services} listing {@code plugins}.
     */
    static Path jar(Path dir, String jarName, Map<String, String> sources, List<String> plugins, Set<String> omitted) {
        try {
            Path work = Files.createTempDirectory(dir.getParent(), "src");
            Path src = Files.createDirectories(work.resolve("src/broken"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath(), "-nowarn"));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey() + ".java");
                Files.writeString(file, "package broken;\n" + source.getValue());
                args.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int code = javac.run(null, null, System.err, args.toArray(String[]::new));
            if (code != 0) {
                throw new IllegalStateException("test plugin sources do not compile");
            }
            Path jar = Files.createDirectories(dir).resolve(jarName);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = classes.relativize(file).toString();
                    String simple = name.substring(name.lastIndexOf('/') + 1).replaceAll("[$.].*", "");
                    if (!omitted.contains(simple)) {
                        entry(out, name, Files.readAllBytes(file));
                    }
                }
                if (!plugins.isEmpty()) {
                    entry(out, "META-INF/services/" + ShimPlugin.class.getName(),
                            String.join("\n", plugins.stream().map(p -> "broken." + p).toList()).getBytes(StandardCharsets.UTF_8));
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path jar(Path dir, String jarName, Map<String, String> sources, String... plugins) {
        return jar(dir, jarName, sources, List.of(plugins), Set.of());
    }

    /** The source of a plugin class {@code name} of type/id, whose {@code module} body is given. */
    static String plugin(String name, String type, String id, String requires, String moduleBody) {
        return """
                import com.google.inject.*;
                import com.google.inject.Module;
                import io.jshim.framework.plugin.*;
                import java.util.Set;
                public final class %s implements ShimPlugin {
                    public PluginType type() { return PluginType.of("%s"); }
                    public String id() { return "%s"; }
                    public Set<PluginType> requires() { return Set.of(%s); }
                    public Module module(PluginContext context) { %s }
                }
                """.formatted(name, type, id, requires, moduleBody);
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream stream = out;
        stream.write(bytes);
        out.closeEntry();
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (Class<?> type : List.of(ShimPlugin.class, AbstractModule.class, jakarta.inject.Inject.class, BindableService.class)) {
            try {
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
