package io.engramstream.ops.docs;

import io.engramstream.config.EngramOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every typed option of the project: the {@code public static final} {@link EngramOption} fields of
 * every class under {@code io.engramstream} on the class path (main classes only), found by
 * scanning, so an option added anywhere shows up in the generated reference without a registry.
 * Classes are loaded without initialization; only those that declare an option field are initialized.
 */
public final class OptionCatalog {
    private static final String ROOT = "io/engramstream";

    private OptionCatalog() {}

    /** The options of one class, in declaration order. */
    public record Owner(Class<?> type, List<EngramOption<?>> options) {}

    public static List<Owner> scan() {
        ClassLoader cl = OptionCatalog.class.getClassLoader();
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots = cl.getResources(ROOT);
            while (roots.hasMoreElements()) collect(roots.nextElement(), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Owner> owners = new ArrayList<>();
        for (String name : names) {
            Class<?> c;
            try {
                c = Class.forName(name, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;   // optional dependency missing: such a class declares no option we can show
            }
            List<Field> fields = new ArrayList<>();
            try {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) && Modifier.isPublic(m) && Modifier.isFinal(m) && f.getType() == EngramOption.class) fields.add(f);
                }
            } catch (LinkageError e) {
                continue;
            }
            if (fields.isEmpty()) continue;
            List<EngramOption<?>> options = new ArrayList<>();
            for (Field f : fields) {
                try {
                    options.add((EngramOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            owners.add(new Owner(c, options));
        }
        return owners;
    }

    private static void collect(URL root, TreeSet<String> names) throws IOException {
        String u = root.toString();
        if (u.contains("/test-classes/") || u.contains("-tests.jar!")) return;
        if (root.getProtocol().equals("file")) {
            Path dir;
            try {
                dir = Path.of(root.toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            Path base = dir.getParent().getParent();   // the class-path root above io/engramstream
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".class")).forEach(p -> add(base.relativize(p).toString().replace('\\', '/'), names));
            }
        } else if (root.getProtocol().equals("jar")) {
            JarURLConnection conn = (JarURLConnection) root.openConnection();
            conn.setUseCaches(false);
            try (JarFile jar = conn.getJarFile()) {
                Enumeration<JarEntry> e = jar.entries();
                while (e.hasMoreElements()) {
                    String n = e.nextElement().getName();
                    if (n.startsWith(ROOT + "/") && n.endsWith(".class")) add(n, names);
                }
            }
        }
    }

    private static void add(String resource, TreeSet<String> names) {
        if (resource.contains("$") && !resource.matches(".*\\$[A-Za-z][A-Za-z0-9_]*\\.class")) return;   // anonymous/lambda classes
        if (resource.endsWith("module-info.class") || resource.endsWith("package-info.class")) return;
        names.add(resource.substring(0, resource.length() - ".class".length()).replace('/', '.'));
    }
}
