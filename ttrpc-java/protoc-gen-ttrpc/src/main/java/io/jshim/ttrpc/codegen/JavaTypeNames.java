package io.jshim.ttrpc.codegen;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps fully qualified proto message names ({@code .pkg.Msg}) to the Java classes protoc generates. */
final class JavaTypeNames {

    private final Map<String, String> javaNameByProtoName;

    private JavaTypeNames(Map<String, String> javaNameByProtoName) {
        this.javaNameByProtoName = javaNameByProtoName;
    }

    static JavaTypeNames of(List<FileDescriptorProto> files) {
        Map<String, String> names = new HashMap<>();
        for (FileDescriptorProto file : files) {
            String prefix = file.getOptions().getJavaMultipleFiles()
                    ? javaPackage(file)
                    : qualify(javaPackage(file), outerClassName(file));
            String protoPrefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
            for (DescriptorProto message : file.getMessageTypeList()) {
                add(names, protoPrefix, prefix, message);
            }
        }
        return new JavaTypeNames(names);
    }

    private static void add(Map<String, String> names, String protoPrefix, String javaPrefix, DescriptorProto message) {
        String javaName = qualify(javaPrefix, message.getName());
        names.put(protoPrefix + message.getName(), javaName);
        for (DescriptorProto nested : message.getNestedTypeList()) {
            add(names, protoPrefix + message.getName() + ".", javaName, nested);
        }
    }

    /** @return the Java class of a proto message, e.g. {@code .google.protobuf.Empty} -> {@code com.google.protobuf.Empty} */
    String javaName(String protoTypeName) {
        String name = javaNameByProtoName.get(protoTypeName);
        if (name == null) {
            throw new IllegalArgumentException("unknown message type " + protoTypeName);
        }
        return name;
    }

    static String javaPackage(FileDescriptorProto file) {
        return file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : file.getPackage();
    }

    /** protoc's rule: java_outer_classname, else the file name in CamelCase, plus "OuterClass" on a clash. */
    static String outerClassName(FileDescriptorProto file) {
        if (file.getOptions().hasJavaOuterClassname()) {
            return file.getOptions().getJavaOuterClassname();
        }
        String base = file.getName();
        base = base.substring(base.lastIndexOf('/') + 1);
        if (base.endsWith(".proto")) {
            base = base.substring(0, base.length() - ".proto".length());
        }
        String name = camelCase(base, true);
        boolean clash = file.getMessageTypeList().stream().map(DescriptorProto::getName).anyMatch(name::equals)
                || file.getEnumTypeList().stream().map(EnumDescriptorProto::getName).anyMatch(name::equals)
                || file.getServiceList().stream().anyMatch(s -> s.getName().equals(name));
        return clash ? name + "OuterClass" : name;
    }

    /** protoc's UnderscoresToCamelCase. */
    static String camelCase(String input, boolean capitalizeFirst) {
        StringBuilder out = new StringBuilder();
        boolean capNext = capitalizeFirst;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append(capNext ? Character.toUpperCase(c) : c);
                capNext = false;
            } else if (c >= 'A' && c <= 'Z') {
                out.append(i == 0 && !capitalizeFirst ? Character.toLowerCase(c) : c);
                capNext = false;
            } else if (c >= '0' && c <= '9') {
                out.append(c);
                capNext = true;
            } else {
                capNext = true;
            }
        }
        return out.toString();
    }

    static String qualify(String pkg, String name) {
        return pkg.isEmpty() ? name : pkg + "." + name;
    }
}
