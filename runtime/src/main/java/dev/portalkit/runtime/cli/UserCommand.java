package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.PortalContainer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit user ...}: user accounts, without the web API (like {@code ckan user}). */
@Command(name = "user", description = "User accounts.", subcommands = UserCommand.Add.class)
public final class UserCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code portalkit user add NAME --email E --password P [--sysadmin]}: runs {@code user_create}
     * with auth skipped, so it works on an empty data directory (the first sysadmin) and while a
     * server uses the same database.
     */
    @Command(name = "add", description = "Create a user (with --sysadmin: a sysadmin).")
    public static final class Add implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Login name: 2-100 lower-case letters, digits, - and _.")
        String name;

        @Option(names = "--email", paramLabel = "EMAIL", description = "Email address (required).")
        String email;

        @Option(names = "--password", paramLabel = "PASSWORD", description = "Password, 8 characters or more (required).")
        String password;

        @Option(names = "--fullname", paramLabel = "TEXT", description = "Full name.")
        String fullname;

        @Option(names = "--sysadmin", description = "Make the user a sysadmin.")
        boolean sysadmin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            require(name, "NAME");
            require(email, "--email");
            require(password, "--password");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", name);
            data.put("email", email);
            data.put("password", password);
            if (fullname != null) {
                data.put("fullname", fullname);
            }
            data.put("sysadmin", sysadmin);
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> user = (Map<String, Object>) container.portal().context(Optional.empty(), true)
                        .call("user_create", data);
                var out = spec.commandLine().getOut();
                out.printf("created %suser %s (id %s)%n", Boolean.TRUE.equals(user.get("sysadmin")) ? "sysadmin " : "",
                        user.get("name"), user.get("id"));
                out.flush();
            }
            return 0;
        }
    }

    static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw PortalException.badRequest(what + " is required (see --help)");
        }
    }
}
