package dev.portalkit.runtime.search;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.search.DatasetIndex;
import dev.portalkit.api.search.ISearchIndex;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.plugin.BuiltIn;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The built-in dataset search index as a plugin: its tables (migrations), its option, and the
 * choice of the index {@code package_search} uses: an enabled plugin's {@link ISearchIndex} if one
 * provides it, else this database index.
 */
@BuiltIn
@ApplicationScoped
public class SearchPlugin implements PortalPlugin, ISearchIndex, IMigrations, IConfigDeclarations, Portal.Subsystem {
    public static final String TEXT_CONFIG = "portal.search.text_config";

    private volatile Portal portal;
    private volatile DatasetIndex index;

    @Override
    public String name() {
        return "search";
    }

    @Override
    public String description() {
        return "Dataset search index in the portal's database (PostgreSQL full-text search; a word index on H2)";
    }

    @Override
    public String migrationLocation() {
        return "dev/portalkit/runtime/search/migration";
    }

    @Override
    public void declareConfig(ConfigDeclaration d) {
        d.option(ConfigOption.of(TEXT_CONFIG, "PostgreSQL text search configuration of the built-in dataset index "
                + "(stemming and stop words of package_search's q): english, simple (no stemming), german, ... "
                + "Checked at start; after a change run `portalkit search-index rebuild`. Not used on H2, whose "
                + "word index does not stem.").type(ConfigType.STRING).defaultValue("english"));
        String value = d.valuesUnder(TEXT_CONFIG).get(TEXT_CONFIG);
        if (value != null && !value.strip().matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            d.reject(TEXT_CONFIG, "must be the name of a text search configuration, such as english or simple");
        }
    }

    @Override
    public void started(Portal started) {
        this.portal = started;
        if (started.database() != null && started.database().isPostgres()) {
            String config = started.config().string(TEXT_CONFIG).strip();
            try (Connection c = started.database().dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT CAST(? AS regconfig)")) {
                s.setString(1, config);
                s.executeQuery().close();
            } catch (SQLException e) {
                throw PortalException.config(TEXT_CONFIG + ": PostgreSQL has no text search configuration '" + config + "'");
            }
        }
    }

    @Override
    public DatasetIndex datasetIndex() {
        DatasetIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    Portal p = portal;
                    if (p == null || p.database() == null) {
                        throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
                    }
                    index = new DatabaseDatasetIndex(p.database().isPostgres()
                            ? new PostgresSearchStore(p.config().string(TEXT_CONFIG).strip()) : new WordSearchStore());
                }
                i = index;
            }
        }
        return i;
    }

    /**
     * The index of a started portal: a configured plugin's, else the built-in one. Two configured
     * plugins providing one is a configuration error naming them.
     */
    public static DatasetIndex of(Portal portal) {
        List<PluginSet.Named<ISearchIndex>> all = portal.plugins().implementing(ISearchIndex.class);
        List<PluginSet.Named<ISearchIndex>> configured = all.stream().filter(n -> !n.builtIn()).toList();
        if (configured.size() > 1) {
            throw PortalException.config("plugins " + configured.stream().map(PluginSet.Named::name).toList()
                    + " each provide a dataset search index (ISearchIndex); enable one");
        }
        PluginSet.Named<ISearchIndex> chosen = configured.isEmpty()
                ? all.stream().filter(n -> n.plugin() instanceof SearchPlugin).findFirst()
                        .orElseThrow(() -> new PortalException(ErrorKind.INTERNAL, "no dataset search index"))
                : configured.get(0);
        return chosen.plugin().datasetIndex();
    }
}
