package io.jshim.example.guide;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced blocks of a Markdown guide that the doc test uses: {@code ```lang file=path} (written to the
 * project) and {@code ```sh run} (run in the project, in order). Other blocks are illustration only.
 */
record GuideBlocks(List<FileBlock> files, List<String> commands) {
    record FileBlock(String path, String content) {
    }

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)([^\\n]*)\\n(.*?)^```[ \\t]*$",
            Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern FILE = Pattern.compile("\\bfile=(\\S+)");

    static GuideBlocks parse(String markdown) {
        List<FileBlock> files = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        while (fence.find()) {
            String language = fence.group(1);
            String attributes = fence.group(2).trim();
            String body = fence.group(3);
            Matcher file = FILE.matcher(attributes);
            if (file.find()) {
                files.add(new FileBlock(file.group(1), body));
            } else if (language.equals("sh") && List.of(attributes.split("\\s+")).contains("run")) {
                commands.add(body);
            }
        }
        return new GuideBlocks(List.copyOf(files), List.copyOf(commands));
    }
}
