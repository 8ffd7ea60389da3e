package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher as a user meets it: the demo, --help, and a clean stop on SIGTERM. */
class RunnerLifecycleIT {

    @Test
    void demoRunsGreen() throws Exception {
        try (RunnerProcess demo = RunnerProcess.start("demo")) {
            assertThat(demo.awaitExit()).as(String.join("\n", demo.stdout) + String.join("\n", demo.stderr)).isZero();
            assertThat(String.join("\n", demo.stdout)).contains("every step behaved as expected").doesNotContain("UNEXPECTED");
        }
    }

    @Test
    void devHelpListsEverySetting() throws Exception {
        try (RunnerProcess help = RunnerProcess.start("dev", "--help")) {
            assertThat(help.awaitExit()).isZero();
            String text = String.join("\n", help.stdout);
            for (String option : new String[] {"--port", "--audience", "--organizations", "--bindings", "--issuer",
                    "--jwks-url", "--aws-endpoint", "--aws", "--algorithms", "--clock-skew", "--token-max-age",
                    "--jwks-cache", "--jwks-min-refresh", "--jwks-outage-tolerance", "--role-path", "--allowed-accounts",
                    "--bindings-cache", "--replay-protection", "--audit-retention-days", "--audit-shards",
                    "--bindings-table", "--audit-table", "--replay-table", "--region"}) {
                assertThat(text).contains(option);
            }
        }
    }

    @Test
    void sigtermStopsTheRunnerAndLeavesNothingBehind() throws Exception {
        RunnerProcess runner = RunnerProcess.start("dev", "--port", "0");
        runner.awaitListening();
        var children = runner.process.toHandle().descendants().toList();
        runner.terminate();
        int exit = runner.awaitExit();
        assertThat(exit).isIn(0, 143);
        // The last lines may still be in the pipe when the process is gone.
        for (int i = 0; i < 100 && !String.join("\n", runner.stderr).contains("stopped"); i++) {
            Thread.sleep(50);
        }
        assertThat(String.join("\n", runner.stderr)).contains("kitevend dev: stopped");
        assertThat(runner.process.toHandle().isAlive()).isFalse();
        assertThat(children).allSatisfy(child -> assertThat(child.isAlive()).isFalse());
    }

    @Test
    void badSettingIsNamedWithoutAStackTrace() throws Exception {
        try (RunnerProcess bad = RunnerProcess.start("dev", "--port", "0", "--clock-skew", "9999")) {
            assertThat(bad.awaitExit()).isNotZero();
            String err = String.join("\n", bad.stderr);
            assertThat(err).contains("KITEVEND_CLOCK_SKEW_SECONDS").doesNotContain("\tat ");
        }
    }
}
