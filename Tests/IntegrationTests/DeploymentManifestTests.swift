import Foundation
import Testing

/// deploy/: the Kubernetes manifests (Kubernetes 1.37 schemas, strict; KEDA and Prometheus
/// Operator CRD fields), their consistency with each other and with s3-mover, the metric names
/// the alerts and dashboard use, the IAM policy and the CloudFormation template (cfn-lint).
@Suite(.timeLimit(.minutes(2))) struct DeploymentManifestTests {
    @Test func deployDirectoryValidates() async throws {
        let script = Stack.root.appendingPathComponent("deploy/validate.py").path
        let result = try await Command.run("/usr/bin/env", ["python3", script], environment: ProcessInfo.processInfo.environment,
                                     timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("all valid"))
    }

    /// The PrometheusRule alerts pass `promtool check rules` and their unit tests
    /// (deploy/monitoring/alerts.test.yaml: each alert fires when it should and not otherwise).
    @Test func alertsPassTheirPromtoolUnitTests() async throws {
        let script = Stack.root.appendingPathComponent("deploy/monitoring/test-alerts.sh").path
        let result = try await Command.run("/usr/bin/env", ["bash", script], environment: ProcessInfo.processInfo.environment,
                                           timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS: 4 rules found") && result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("SUCCESS"), "\(result.stdout)")
    }
}
