# Build targets for `sam build` (BuildMethod: makefile). SAM runs `make build-<LogicalId>` with
# ARTIFACTS_DIR set; each target builds with the Maven wrapper on a JDK 25 and copies only what
# that resource needs:
#   CoreLayer    -> $(ARTIFACTS_DIR)/java/lib/*.jar   (kitevend-core and its runtime dependencies)
#   VendFunction, AdminFunction, AuditReportFunction, SecretsFunction
#                -> $(ARTIFACTS_DIR)/io/kitevend/...  (the handler classes only; the rest is in the layer)

SHELL := /bin/bash
MVN := . scripts/lib/jdk.sh && kitevend_find_jdk && ./mvnw -q -B -ntp

.PHONY: build-CoreLayer build-VendFunction build-AdminFunction build-AuditReportFunction build-SecretsFunction check-artifacts-dir

check-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }

build-CoreLayer: check-artifacts-dir
	$(MVN) -pl layers/core -am -DskipTests package
	rm -rf layers/core/target/layer-lib
	$(MVN) -pl layers/core dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/layer-lib
	mkdir -p "$(ARTIFACTS_DIR)/java/lib"
	cp layers/core/target/kitevend-core-*.jar "$(ARTIFACTS_DIR)/java/lib/"
	rm -f "$(ARTIFACTS_DIR)"/java/lib/*-tests.jar
	cp layers/core/target/layer-lib/*.jar "$(ARTIFACTS_DIR)/java/lib/"

build-VendFunction: check-artifacts-dir
	$(MVN) -pl functions/vend -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R functions/vend/target/classes/. "$(ARTIFACTS_DIR)/"

build-AdminFunction: check-artifacts-dir
	$(MVN) -pl functions/admin -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R functions/admin/target/classes/. "$(ARTIFACTS_DIR)/"

build-AuditReportFunction: check-artifacts-dir
	$(MVN) -pl functions/audit-report -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R functions/audit-report/target/classes/. "$(ARTIFACTS_DIR)/"

build-SecretsFunction: check-artifacts-dir
	$(MVN) -pl functions/secrets -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R functions/secrets/target/classes/. "$(ARTIFACTS_DIR)/"
