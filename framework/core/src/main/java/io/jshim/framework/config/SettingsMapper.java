package io.jshim.framework.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.jshim.framework.ConfigurationException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps a HOCON block onto an immutable record: component {@code queueCapacity} reads key
 * {@code queue-capacity}. Unknown keys, missing keys and wrong types are {@link ConfigurationException}s
 * naming the file, the line and the full key.
 */
public final class SettingsMapper {
    private SettingsMapper() {
    }

    /**
     * Maps {@code block} (found at {@code path} in the whole config) onto {@code type}.
     *
     * @param ignoredKeys keys of the block that are not settings (e.g. {@code enabled})
     */
    public static <T extends Record> T map(Config block, String path, Class<T> type, Set<String> ignoredKeys) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = new TreeSet<>(ignoredKeys);
        for (RecordComponent component : components) {
            known.add(kebab(component.getName()));
        }
        for (Map.Entry<String, ConfigValue> entry : block.root().entrySet()) {
            if (!known.contains(entry.getKey())) {
                throw new ConfigurationException("invalid configuration " + where(entry.getValue().origin())
                        + ": unknown key " + path + "." + entry.getKey() + DidYouMean.hint(entry.getKey(), known)
                        + " (known keys: " + String.join(", ", known) + ")");
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String key = kebab(component.getName());
            parameterTypes[i] = component.getType();
            if (!block.hasPath(key)) {
                throw new ConfigurationException("invalid configuration " + where(block.origin())
                        + ": missing key " + path + "." + key + " (" + component.getType().getSimpleName()
                        + "; the plugin's reference.conf should give a default)");
            }
            try {
                values[i] = read(block, key, component.getGenericType(), path + "." + key);
            } catch (ConfigException e) {
                throw new ConfigurationException("invalid configuration " + where(block.getValue(key).origin())
                        + ": key " + path + "." + key + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("invalid configuration " + where(block.getValue(key).origin())
                        + ": key " + path + "." + key + ": " + e.getMessage(), e);
            }
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new ConfigurationException("invalid configuration " + where(block.origin()) + ": block " + path
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigurationException("failed to map configuration block " + path + " onto " + type.getName()
                    + ": " + e, e);
        }
    }

    /** "file:line" (or the origin's description when it has no file). */
    static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown origin)";
        }
        String source = origin.filename() != null ? origin.filename()
                : origin.resource() != null ? origin.resource() : origin.description();
        return origin.lineNumber() > 0 ? source + ":" + origin.lineNumber() : source;
    }

    /** {@code queueCapacity} to {@code queue-capacity}. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Object read(Config block, String key, Type type, String fullPath) {
        if (type instanceof Class<?> raw) {
            if (raw == String.class) {
                return block.getString(key);
            } else if (raw == boolean.class || raw == Boolean.class) {
                return block.getBoolean(key);
            } else if (raw == int.class || raw == Integer.class) {
                return block.getInt(key);
            } else if (raw == long.class || raw == Long.class) {
                return block.getLong(key);
            } else if (raw == double.class || raw == Double.class) {
                return block.getDouble(key);
            } else if (raw == Duration.class) {
                return block.getDuration(key);
            } else if (raw == com.typesafe.config.ConfigMemorySize.class) {
                return block.getMemorySize(key);
            } else if (raw == Path.class) {
                return Path.of(block.getString(key));
            } else if (raw.isEnum()) {
                return readEnum(raw, block.getString(key));
            } else if (raw.isRecord()) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> recordType = (Class<? extends Record>) raw;
                return map(block.getConfig(key), fullPath, recordType, Set.of());
            }
        } else if (type instanceof ParameterizedType parameterized
                && parameterized.getRawType() == List.class
                && parameterized.getActualTypeArguments()[0] == String.class) {
            return List.copyOf(block.getStringList(key));
        }
        throw new IllegalArgumentException("unsupported settings component type " + type.getTypeName());
    }

    private static Object readEnum(Class<?> enumType, String value) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            names.add(name.toLowerCase(Locale.ROOT));
            if (name.equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        throw new IllegalArgumentException("\"" + value + "\" is not one of " + names + DidYouMean.hint(value, names));
    }
}
