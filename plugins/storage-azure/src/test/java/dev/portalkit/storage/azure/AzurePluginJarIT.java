package dev.portalkit.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.testing.PluginJarContract;
import dev.portalkit.testservers.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built drop-in jar ({@code target/*-plugin.jar}), with the host alone on the class path: the
 * plugin's classes and the Azure SDK are not there (failsafe leaves them out), so what works here
 * works from the jar ({@link PluginJarContract}); and a temporal link of the jar's storage is a
 * SAS URL Azurite serves.
 */
class AzurePluginJarIT extends PluginJarContract {
    @Override
    protected String plugin() {
        return "storage-azure";
    }

    @Override
    protected String adapterType() {
        return "files:azure_blob";
    }

    @Override
    protected List<String> ownClasses() {
        return List.of("dev.portalkit.storage.azure.AzureStoragePlugin", "com.azure.storage.blob.BlobClient", "reactor.core.publisher.Flux");
    }

    @Override
    protected Map<String, String> storageOptions() {
        return Map.of("container", "dropin-" + ProcessHandle.current().pid(), "connection_string", Azurite.shared().connectionString(),
                "create_container", "true");
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(Azurite.KEY);
    }

    @Override
    protected void moreChecks(ManagedStorage storage, FileData stored) throws Exception {
        URI link = storage.reader().temporalLink(stored, Duration.ofMinutes(5), "readme.txt");
        HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo("from the drop-in jar");
    }
}
