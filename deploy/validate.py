#!/usr/bin/env python3
"""Validates everything under deploy/ that a cluster or an AWS account would consume.

- Kubernetes manifests: built-in kinds against the Kubernetes 1.37 OpenAPI schemas
  (kubernetes-validate, strict: unknown fields are errors); KEDA ScaledObject and
  TriggerAuthentication and the Prometheus Operator's PrometheusRule against schemas of the CRD
  fields used here (below), also rejecting unknown fields.
- The manifests agree with each other and with s3-mover: kustomization lists every file; the
  ScaledObject targets the Deployment and watches the ConfigMap's queue; the PDB and Service
  select the worker's pods; probes hit /healthz and /readyz on METRICS_PORT; the termination
  grace outlasts --shutdown-grace; pods run non-root, read-only, without privilege escalation.
- Every metric that the alert rules and the Grafana dashboard use is one s3-mover declares.
- deploy/iam-policy.json is valid and the CloudFormation role holds exactly its statements;
  the template passes cfn-lint.

Exit status 0 when everything holds; otherwise each problem is printed.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

import jsonschema
import kubernetes_validate
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBE = DEPLOY / "kubernetes"
K8S_VERSION = "1.37.0"
problems = []


def problem(text):
    problems.append(text)


def strict(properties, required=()):
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


STRING = {"type": "string"}
INT = {"type": "integer"}
METADATA = {"type": "object", "required": ["name"]}
CRD_SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): strict({
        "apiVersion": STRING, "kind": STRING, "metadata": METADATA,
        "spec": strict({
            "scaleTargetRef": strict({"apiVersion": STRING, "kind": STRING, "name": STRING, "envSourceContainerName": STRING}, ["name"]),
            "pollingInterval": INT, "cooldownPeriod": INT, "initialCooldownPeriod": INT, "idleReplicaCount": INT,
            "minReplicaCount": INT, "maxReplicaCount": INT,
            "advanced": strict({"restoreToOriginalReplicaCount": {"type": "boolean"},
                                "horizontalPodAutoscalerConfig": strict({"name": STRING, "behavior": {"type": "object"}})}),
            "fallback": strict({"failureThreshold": INT, "replicas": INT}, ["failureThreshold", "replicas"]),
            "triggers": {"type": "array", "minItems": 1, "items": strict({
                "type": {"enum": ["aws-sqs-queue"]}, "name": STRING, "useCachedMetrics": {"type": "boolean"},
                "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                "authenticationRef": strict({"name": STRING, "kind": {"enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}}, ["name"]),
                "metadata": strict({
                    "queueURL": STRING, "queueURLFromEnv": STRING, "queueLength": STRING, "activationQueueLength": STRING,
                    "awsRegion": STRING, "awsEndpoint": STRING, "identityOwner": {"enum": ["pod", "operator"]},
                    "scaleOnInFlight": {"enum": ["true", "false"]}, "scaleOnDelayed": {"enum": ["true", "false"]},
                }, ["awsRegion"]),
            }, ["type", "metadata"])},
        }, ["scaleTargetRef", "triggers"]),
    }, ["apiVersion", "kind", "metadata", "spec"]),
    ("keda.sh/v1alpha1", "TriggerAuthentication"): strict({
        "apiVersion": STRING, "kind": STRING, "metadata": METADATA,
        "spec": strict({
            "podIdentity": strict({"provider": {"enum": ["none", "azure-workload", "gcp", "aws", "aws-eks", "aws-kiam"]},
                                   "identityOwner": {"enum": ["keda", "workload"]}, "roleArn": STRING}, ["provider"]),
            "secretTargetRef": {"type": "array"}, "env": {"type": "array"},
        }),
    }, ["apiVersion", "kind", "metadata", "spec"]),
    ("monitoring.coreos.com/v1", "PrometheusRule"): strict({
        "apiVersion": STRING, "kind": STRING, "metadata": METADATA,
        "spec": strict({"groups": {"type": "array", "minItems": 1, "items": strict({
            "name": STRING, "interval": STRING,
            "rules": {"type": "array", "minItems": 1, "items": strict({
                "alert": STRING, "record": STRING, "expr": STRING, "for": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h|d|w|y)$"},
                "labels": {"type": "object", "additionalProperties": STRING},
                "annotations": {"type": "object", "additionalProperties": STRING},
            }, ["expr"])},
        }, ["name", "rules"])}}, ["groups"]),
    }, ["apiVersion", "kind", "metadata", "spec"]),
}


def load_manifests():
    documents = {}
    kustomization = yaml.safe_load((KUBE / "kustomization.yaml").read_text())
    listed = set(kustomization.get("resources", []))
    present = {path.name for path in KUBE.glob("*.yaml")} - {"kustomization.yaml"}
    for name in sorted(present - listed):
        problem(f"kustomization.yaml does not list {name}")
    for name in sorted(listed - present):
        problem(f"kustomization.yaml lists {name}, which does not exist")
    for name in sorted(present):
        for document in yaml.safe_load_all((KUBE / name).read_text()):
            if document:
                documents.setdefault(document["kind"], []).append((name, document))
    return documents


def validate_schemas(documents):
    for kind, items in documents.items():
        for name, document in items:
            key = (document.get("apiVersion"), kind)
            if key in CRD_SCHEMAS:
                for error in jsonschema.Draft7Validator(CRD_SCHEMAS[key]).iter_errors(document):
                    problem(f"{name}: {kind} {'/'.join(map(str, error.path))}: {error.message}")
                continue
            try:
                kubernetes_validate.validate(document, K8S_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                problem(f"{name}: {kind}: {error.message} at {'/'.join(map(str, error.path))}")
            except kubernetes_validate.SchemaNotFoundError:
                problem(f"{name}: no schema for {key}; add one to CRD_SCHEMAS")


def one(documents, kind, name=None):
    for file, document in documents.get(kind, []):
        if name is None or document["metadata"]["name"] == name:
            return document
    problem(f"no {kind}{' ' + name if name else ''} in deploy/kubernetes")
    return {}


def check_consistency(documents):
    config = one(documents, "ConfigMap", "s3-mover").get("data", {})
    deployment = one(documents, "Deployment", "s3-mover-worker")
    job = one(documents, "Job", "s3-mover-backfill")
    account = one(documents, "ServiceAccount", "s3-mover")
    if not account.get("metadata", {}).get("annotations", {}).get("eks.amazonaws.com/role-arn", "").startswith("arn:aws:iam::"):
        problem("serviceaccount.yaml: missing the eks.amazonaws.com/role-arn (IRSA) annotation")
    for label, workload in (("worker-deployment.yaml", deployment), ("backfill-job.yaml", job)):
        pod = workload.get("spec", {}).get("template", {}).get("spec", {})
        if pod.get("serviceAccountName") != "s3-mover":
            problem(f"{label}: pods must run as the s3-mover service account (IRSA)")
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            problem(f"{label}: pod securityContext.runAsNonRoot must be true")
        for container in pod.get("containers", []):
            security = container.get("securityContext", {})
            if security.get("allowPrivilegeEscalation") is not False or security.get("readOnlyRootFilesystem") is not True:
                problem(f"{label}: container {container['name']} must set allowPrivilegeEscalation: false and readOnlyRootFilesystem: true")
            sources = {ref.get("configMapRef", ref.get("secretRef", {})).get("name") for ref in container.get("envFrom", [])}
            if sources != {"s3-mover"}:
                problem(f"{label}: settings must come from the s3-mover ConfigMap and Secret")
    job_spec = job.get("spec", {})
    job_args = ((job_spec.get("template", {}).get("spec", {}).get("containers") or [{}])[0]).get("args", [])
    if "--shards" in job_args:
        shards = int(job_args[job_args.index("--shards") + 1])
        if job_spec.get("completionMode") != "Indexed" or job_spec.get("completions") != shards or job_spec.get("parallelism") != shards:
            problem(f"backfill-job.yaml: --shards {shards} needs completionMode: Indexed and completions = parallelism = {shards}")
    pod = deployment.get("spec", {}).get("template", {}).get("spec", {})
    container = (pod.get("containers") or [{}])[0]
    args = container.get("args", [])
    grace = int(args[args.index("--shutdown-grace") + 1]) if "--shutdown-grace" in args else 25
    if pod.get("terminationGracePeriodSeconds", 30) <= grace:
        problem(f"worker-deployment.yaml: terminationGracePeriodSeconds must exceed --shutdown-grace ({grace})")
    ports = {port.get("name"): port.get("containerPort") for port in container.get("ports", [])}
    if str(ports.get("metrics")) != str(config.get("METRICS_PORT")):
        problem("worker-deployment.yaml: the metrics containerPort must equal the ConfigMap's METRICS_PORT")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container.get(probe, {}).get("httpGet", {})
        if get.get("path") != path or get.get("port") not in ("metrics", ports.get("metrics")):
            problem(f"worker-deployment.yaml: {probe} must GET {path} on the metrics port")
    labels = deployment.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
    for kind, name in (("PodDisruptionBudget", "s3-mover-worker"), ("Service", "s3-mover-worker-metrics")):
        resource = one(documents, kind, name).get("spec", {})
        selector = resource.get("selector", {})
        selector = selector.get("matchLabels", selector)
        if not selector or any(labels.get(key) != value for key, value in selector.items()):
            problem(f"{kind} {name}: its selector does not match the worker's pod labels")
    check_network_policy(documents, labels, ports)
    scaled = one(documents, "ScaledObject", "s3-mover-worker").get("spec", {})
    if scaled.get("scaleTargetRef", {}).get("name") != deployment.get("metadata", {}).get("name"):
        problem("worker-scaledobject.yaml: scaleTargetRef must name the worker Deployment")
    for trigger in scaled.get("triggers", []):
        if trigger.get("metadata", {}).get("queueURL") != config.get("SQS_QUEUE_URL"):
            problem("worker-scaledobject.yaml: the trigger's queueURL must equal the ConfigMap's SQS_QUEUE_URL")
        reference = trigger.get("authenticationRef", {}).get("name")
        if reference and not any(doc["metadata"]["name"] == reference for _, doc in documents.get("TriggerAuthentication", [])):
            problem(f"worker-scaledobject.yaml: TriggerAuthentication {reference} does not exist")


def check_network_policy(documents, labels, ports):
    """The worker's ingress is only its metrics port, from the labelled monitoring namespaces."""
    policy = one(documents, "NetworkPolicy", "s3-mover-worker-ingress").get("spec", {})
    selector = policy.get("podSelector", {}).get("matchLabels", {})
    if not selector or any(labels.get(key) != value for key, value in selector.items()):
        problem("worker-networkpolicy.yaml: its podSelector does not match the worker's pod labels")
    if "Ingress" not in policy.get("policyTypes", []):
        problem("worker-networkpolicy.yaml: policyTypes must include Ingress, or nothing is restricted")
    rules = policy.get("ingress", [])
    if not rules:
        problem("worker-networkpolicy.yaml: no ingress rule: the probes' port would be closed to Prometheus too")
    for rule in rules:
        rule_ports = rule.get("ports", [])
        if not rule_ports or any(port.get("port") not in ("metrics", ports.get("metrics")) for port in rule_ports):
            problem("worker-networkpolicy.yaml: every ingress rule must name the metrics port, and only it")
        sources = rule.get("from", [])
        if not sources:
            problem("worker-networkpolicy.yaml: an ingress rule without 'from' admits every pod in the cluster")
        for source in sources:
            if set(source) != {"namespaceSelector"} or not source["namespaceSelector"].get("matchLabels"):
                problem("worker-networkpolicy.yaml: ingress must come only from namespaces selected by label (the monitoring namespace)")


def declared_metrics():
    names = set()
    for source in (ROOT / "Sources").rglob("*.swift"):
        names.update(re.findall(r'"(s3mover_[a-z_]+)"', source.read_text()))
    return names


def check_metric_names():
    declared = declared_metrics()
    if not declared:
        problem("no s3mover_ metric names found in Sources/")
    rule = yaml.safe_load((KUBE / "prometheus-rule.yaml").read_text())
    expressions = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text())
    expressions += [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    if not dashboard.get("panels"):
        problem("grafana-dashboard.json has no panels")
    for expression in expressions:
        for name in re.findall(r"s3mover_[a-z_]+", expression):
            base = re.sub(r"_(bucket|count|sum)$", "", name)
            if name not in declared and base not in declared:
                problem(f"metric {name} (in {expression!r}) is not one s3-mover emits")


def check_policy_and_template():
    policy = json.loads((DEPLOY / "iam-policy.json").read_text())
    from cfnlint.decode import decode_str
    template, errors = decode_str((DEPLOY / "cloudformation.yaml").read_text())
    if errors:
        problem(f"cloudformation.yaml does not parse: {errors}")
        return
    attributes = {"Queue": "${QueueArn}", "DeadLetterQueue": "${DeadLetterQueueArn}"}

    def plain(value):
        if isinstance(value, dict) and "Fn::Sub" in value:
            return value["Fn::Sub"]
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            return attributes.get(value["Fn::GetAtt"][0], value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    # The worker's role holds every statement but FinalizeDeleteSource, which only the
    # FinalizePolicy carries (attached for the finalize run alone).
    running = [statement for statement in policy["Statement"] if statement.get("Sid") != "FinalizeDeleteSource"]
    finishing = [statement for statement in policy["Statement"] if statement.get("Sid") == "FinalizeDeleteSource"]
    role = template["Resources"]["WorkerRole"]["Properties"]
    statements = plain(role["Policies"][0]["PolicyDocument"]["Statement"])
    if json.loads(json.dumps(statements)) != running:
        problem("cloudformation.yaml WorkerRole's policy differs from deploy/iam-policy.json (without FinalizeDeleteSource)")
    finalize = template["Resources"].get("FinalizePolicy", {}).get("Properties", {})
    if len(finishing) != 1 or json.loads(json.dumps(plain(finalize.get("PolicyDocument", {}).get("Statement")))) != finishing:
        problem("cloudformation.yaml FinalizePolicy must hold exactly deploy/iam-policy.json's FinalizeDeleteSource statement")
    executable = shutil.which("cfn-lint") or str(pathlib.Path(sys.executable).parent / "cfn-lint")
    result = subprocess.run([executable, str(DEPLOY / "cloudformation.yaml")], capture_output=True, text=True)
    if result.returncode != 0:
        problem(f"cfn-lint: {result.stdout}{result.stderr}")


def main():
    documents = load_manifests()
    validate_schemas(documents)
    check_consistency(documents)
    check_metric_names()
    check_policy_and_template()
    for text in problems:
        print(f"error: {text}")
    checked = sum(len(items) for items in documents.values())
    print(f"{checked} manifests, the alert rules, the dashboard, the IAM policy and the CloudFormation template: "
          + ("all valid" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
