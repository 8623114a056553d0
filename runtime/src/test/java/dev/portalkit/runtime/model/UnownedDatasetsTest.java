package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** CKAN's rules for datasets without an organization, with {@code portal.auth.create_unowned_dataset} on. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class UnownedDatasetsTest extends ModelTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of(ModelConfig.CREATE_UNOWNED_DATASET, "true");
    }

    @Test
    void loggedInUsersCreateUnownedPublicDatasets() {
        var user = newUser("free");
        Map<String, Object> ds = dict("package_create", user, map("name", unique("free")));
        assertThat(ds).containsEntry("owner_org", null).containsEntry("organization", null);
        assertThat(invalid("package_create", user, map("name", unique("p"), "private", true)))
                .containsEntry("private", List.of("Datasets with no organization can't be private."));
        denied("package_create", ANONYMOUS, map("name", unique("anon")));
    }

    @Test
    void deletingAnOrganizationReleasesItsDatasets() {
        var admin = newUser("admin");
        Map<String, Object> org = newOrg(admin);
        Map<String, Object> ds = newDataset(org, true);
        assertThat(call("organization_delete", admin, map("id", org.get("name")))).isNull();
        assertThat(dict("package_show", ANONYMOUS, map("id", ds.get("id")))).containsEntry("owner_org", null)
                .containsEntry("private", false);
        assertThat(failure("organization_show", ANONYMOUS, map("id", org.get("id"))).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
    }
}
