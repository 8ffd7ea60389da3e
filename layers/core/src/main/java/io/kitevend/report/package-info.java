/**
 * The audit report: what was vended to whom, what was refused and why, what is new, and which
 * bindings are risky or stale, over a time window.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json}; it may use the other domain packages (without cycles), never the AWS SDK,
 * Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code assembly} or {@code
 * snapstart}. Its sources and stores on DynamoDB, S3 and SNS are adapters, in {@code io.kitevend.aws}.
 *
 * <h2>Flow</h2>
 * {@link io.kitevend.report.AuditReportService} reads the saved {@link io.kitevend.report.ReportState},
 * streams the window's records from an {@link io.kitevend.report.AuditRecordSource} into a
 * {@link io.kitevend.report.ReportBuilder}, reads the bindings from a
 * {@link io.kitevend.report.BindingSource}, and writes {@code report.json}
 * ({@link io.kitevend.report.ReportJson}, schema {@code report.schema.json}) and {@code report.html}
 * ({@link io.kitevend.report.ReportHtml}) to a {@link io.kitevend.report.ReportStore}, then the next
 * state, then an optional summary ({@link io.kitevend.report.ReportNotifier}). Any source and store
 * will do: DynamoDB and S3 in Lambda ({@code io.kitevend.assembly.ReportAssembly}), in-memory lists and
 * a directory locally ({@code AuditReportService.of(source, bindings, new DirectoryReportStore(dir))
 * .run(from, to)}).
 *
 * <h2>Numbers that add up</h2>
 * Every audit record of the window is one <em>request</em>, of a kind: {@code vend}, {@code secrets}
 * or {@code admin} (a change of a binding, or a refused attempt). Its decision is allow, deny
 * (refused), error (a dependency unavailable, 503, or an internal error, 500) or other (unreadable).
 * Each count is shown with its breakdown, and the breakdown adds up: requests = the kinds = the
 * decisions = the time line; refusals (errors) = their reasons, each reason split by kind; vends
 * (allowed vend requests) = their pipelines = their bindings; secrets requests = their bindings;
 * admin requests = their actions = their principals; replays (refusals of reason
 * {@code token_replayed}, of any kind) = their kinds = their pipelines. A count table that reached
 * its key limit says how many records it did not list, so that it still adds up.
 *
 * <h2>Reading only the window</h2>
 * {@code io.kitevend.aws.DynamoAuditReader} queries each {@code day#YYYY-MM-DD#shard} partition of
 * the days the window touches with {@code sk BETWEEN from AND to}, paginated and lazily, never a scan.
 * Memory is bounded: one page in flight, and the builder keeps counters, count tables capped at
 * {@code maxKeys} keys, a few request ids per reason, the first admin records, and a fixed-size
 * latency histogram ({@link io.kitevend.report.LatencyHistogram}: median and p99 within 0.79 %).
 *
 * <h2>History: state and bootstrap</h2>
 * New pipeline → role pairs and stale bindings need to know what happened before the window. A
 * daily run must not re-read months of records, so each run saves {@code reports/state.json}: when
 * each pair was first seen, when each existing binding was last used, and {@code since}, the start of
 * what the reports know. Merges are order-free (first seen = minimum, last used = maximum), so a
 * re-run of a window produces the same report and the same state, and an older window can be run
 * later without corrupting it. The state is written after the report: a failed run leaves it as it
 * was. It grows with pairs and bindings, never with records; last-use entries of deleted bindings
 * are dropped.
 * <p>
 * <b>Bootstrap</b> (no state yet): history starts at the window's start, or
 * {@code KITEVEND_REPORT_BOOTSTRAP_DAYS} days before it, in which case those days are read first
 * (only to learn pairs and last uses; they are not counted). The report says so
 * ({@code history.bootstrapped}). Until then every pair of the window counts as new, and a binding
 * is only called stale when the evidence covers the stale period: it is judged on the latest of its
 * last known use, its creation time and {@code since}, so with a short history nothing is called
 * stale for lack of knowledge. Bootstrap days default to 0 so that the first run of a busy
 * installation cannot exceed the function's time limit; set it to the stale period (30) for a first
 * report that already names stale bindings.
 */
package io.kitevend.report;
