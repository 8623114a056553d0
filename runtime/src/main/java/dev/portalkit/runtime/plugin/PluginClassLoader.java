package dev.portalkit.runtime.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one jar from the plugins directory. Classes of the host's contract (the
 * Portalkit api, {@code jakarta.*}, {@code org.eclipse.microprofile.*}, the JDK) always come
 * from the host, so the plugin and the host agree on them; every other class is looked up in the
 * plugin jar first and then in the host. So two plugins may bundle different versions of the
 * same library without clashing, and with the host's.
 */
public final class PluginClassLoader extends URLClassLoader {
    private static final String[] HOST_FIRST = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "dev.portalkit.api.", "jakarta.", "org.eclipse.microprofile.",
        // CDI implementation classes: the host's container makes proxies that refer to them.
        "org.jboss.weld.", "org.jboss.logging.", "org.slf4j."
    };

    static {
        ClassLoader.registerAsParallelCapable();
    }

    public PluginClassLoader(String name, URL jar, ClassLoader host) {
        super(name, new URL[] {jar}, host);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (hostFirst(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException e) {
                    c = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    private static boolean hostFirst(String name) {
        for (String prefix : HOST_FIRST) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
