package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.PortalContainer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit token ...}: API tokens (like {@code ckan user token}). */
@Command(name = "token", description = "API tokens.", subcommands = TokenCommand.Create.class)
public final class TokenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code portalkit token create USER [--name TOKEN_NAME]}: prints the new token as the last
     * line of its output, for scripts: {@code TOKEN=$(portalkit token create admin | tail -n 1)}.
     */
    @Command(name = "create", description = "Create an API token for a user; the token is the last line printed.")
    public static final class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "USER", arity = "0..1", description = "Name or id of the user the token acts for.")
        String user;

        @Option(names = "--name", paramLabel = "TOKEN_NAME", defaultValue = "cli", description = "A name to recognise the token by (default: ${DEFAULT-VALUE}).")
        String tokenName;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            UserCommand.require(user, "USER");
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> token = (Map<String, Object>) container.portal().context(Optional.empty(), true)
                        .call("api_token_create", Map.of("user", user, "name", tokenName));
                var out = spec.commandLine().getOut();
                out.printf("API token '%s' (id %s) for user %s; keep it secret, it is shown only once:%n",
                        token.get("name"), token.get("id"), user);
                out.println(token.get("token"));
                out.flush();
            }
            return 0;
        }
    }
}
