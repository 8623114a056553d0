package dev.portalkit.api.plugin;

/**
 * A plugin: one CDI bean per plugin jar that implements this interface and any of the
 * extension-point interfaces ({@code IActions}, {@code IAuthFunctions}, {@code IValidators},
 * {@code IDatasetForm}, {@code ITasks}, {@code IConfigDeclarations}, {@code IMigrations}, ...).
 *
 * <h2>Discovery</h2>
 * <ul>
 *   <li>On the class path or in a WAR's {@code WEB-INF/lib}: CDI bean discovery finds the bean
 *       (the jar needs a {@code META-INF/beans.xml}; {@code bean-discovery-mode="annotated"} and a
 *       bean-defining annotation such as {@code @ApplicationScoped} on the class).</li>
 *   <li>In the standalone portal's plugins directory: each jar gets its own class loader whose
 *       parent exposes only the API packages ({@code dev.portalkit.api}, {@code jakarta.*},
 *       {@code org.eclipse.microprofile.*}, the JDK). The jar must also list its plugin class in
 *       {@code META-INF/services/dev.portalkit.api.plugin.PortalPlugin}; the host adds that class
 *       to CDI. Libraries the plugin bundles are loaded from the jar first, so two plugins may
 *       carry different versions of the same library.</li>
 * </ul>
 * <h2>Libraries a plugin brings</h2>
 * A plugin that needs libraries the host does not provide ships them inside its jar, relocated
 * under a package of its own (Maven Shade's relocations), and leaves out what the host provides
 * (this api, {@code jakarta.*}, MicroProfile, {@code slf4j-api}). The same jar then works in both
 * places: in a plugins directory its own class loader would isolate it anyway, but in a WAR every
 * jar of {@code WEB-INF/lib} shares one class loader with the portal, other plugins and what the
 * app server exposes, and only relocated copies cannot clash there. {@code plugins/storage-s3}
 * (the AWS SDK and its HTTP client, relocated) is the worked example.
 *
 * <p>A discovered plugin contributes nothing until it is enabled by name in {@code portal.plugins}
 * (space or comma separated). The order of that list is the plugin order used everywhere
 * (chained actions and auth functions, schema modifiers, validators).
 *
 * <p>Constructors of plugin beans must not do work: every discovered plugin is instantiated to
 * learn its name, including disabled ones.
 */
public interface PortalPlugin {
    /** The name used in {@code portal.plugins}: lower case letters, digits, {@code _} and {@code -}. */
    String name();

    /** One line shown by {@code portalkit plugins}. */
    default String description() {
        return "";
    }
}
