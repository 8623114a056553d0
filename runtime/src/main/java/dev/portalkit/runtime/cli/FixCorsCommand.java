package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portalkit files fix-cors -s STORAGE ORIGIN...}: CORS rules for browsers at those origins. */
@Command(name = "fix-cors", description = "Replace the CORS rules of one storage's bucket (container) so that browsers at "
        + "ORIGIN may download and upload directly and in parts; only that storage is touched.")
final class FixCorsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", required = true, description = "The storage.")
    String storage;

    @Parameters(paramLabel = "ORIGIN", arity = "1..*", description = "Origins such as https://portal.example.org (or *).")
    List<String> origins;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String origin : origins) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                throw PortalException.badRequest("'" + origin + "' is not an origin: scheme and host (and port), "
                        + "e.g. https://portal.example.org, or *");
            }
        }
        FilesCommand.withContainer(common, storage, "fix-cors", (portal, management) -> {
            management.configureCors(List.copyOf(origins));
            PrintWriter out = spec.commandLine().getOut();
            out.println("CORS rules of storage " + storage + " now allow " + String.join(", ", origins));
            // tus uploads go to the portal itself, not to the bucket: its own CORS answers come from its config.
            java.util.List<String> tus = portal.config().list(FileApiConfig.TUS_CORS_ORIGINS);
            java.util.List<String> missing = origins.stream().filter(o -> !tus.contains(o) && !tus.contains("*")).toList();
            if (!missing.isEmpty()) {
                java.util.List<String> all = new java.util.ArrayList<>(tus);
                all.addAll(missing);
                out.println("For tus uploads (/files/tus) from these origins, set in the portal's configuration: "
                        + FileApiConfig.TUS_CORS_ORIGINS + " = " + String.join(" ", all));
            }
            out.flush();
        });
        return 0;
    }
}
