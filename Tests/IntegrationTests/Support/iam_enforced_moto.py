"""Sets up a moto_server for the least-privilege test, then turns on its IAM enforcement.

Usage:
  iam_enforced_moto.py serve PORT                    -> runs moto_server (with the fix below) on 127.0.0.1:PORT
  iam_enforced_moto.py setup URL POLICY_FILE NAME    -> prints JSON: buckets, queue, keys
  iam_enforced_moto.py enforce URL                   -> every later request needs a valid signature and policy
  iam_enforced_moto.py denied URL KEY SECRET NAME    -> prints JSON: which out-of-policy actions were refused

`setup` creates the two buckets, the queue and its dead-letter queue, the ObjectCreated notification
(prefix image/, suffix .png), an `admin` user allowed everything (to upload during the test), and a
`mover` user and an `s3-mover` role (web identity trust) holding only deploy/iam-policy.json.

moto evaluates no IAM condition keys (it treats any Condition as unmet), so the policy is loaded
with its `s3:prefix` conditions removed; every action and resource is as shipped.

`serve` corrects three places where moto's enforcement departs from AWS, and changes nothing else:
- moto rebuilds the signed request from a decoded query string (`prefix=image/` where the client
  signed `prefix=image%2F`), so every ListObjectsV2 with a prefix fails moto's own signature
  check, boto3's included. The query is re-encoded as SigV4 canonicalises it.
- moto asks for `sqs:DeleteMessageBatch` and `sqs:ChangeMessageVisibilityBatch`, which are not IAM
  actions: AWS authorises the batch calls with `sqs:DeleteMessage` and `sqs:ChangeMessageVisibility`.
- moto demands a signature on `AssumeRoleWithWebIdentity`, which AWS serves unsigned (the web
  identity token is the credential), and fails with a server error without one.
"""
import json
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError
import signal

# The test process's threads block SIGTERM and SIGINT, and a child inherits that mask: unblock
# them, or the test's terminate() would leave this process running after the test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def client(service, url, key="testing", secret="testing"):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)


def setup(url, policy_file, name):
    s3, sqs, iam = client("s3", url), client("sqs", url), client("iam", url)
    source, destination = f"{name}-src", f"{name}-dst"
    s3.create_bucket(Bucket=source)
    s3.create_bucket(Bucket=destination)
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": "5",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}),
    })["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    text = open(policy_file).read()
    substitutions = {"${SourceBucketName}": source, "${DestinationBucketName}": destination, "${QueueArn}": queue_arn,
                     "${DeadLetterQueueArn}": dlq_arn}
    for placeholder, value in substitutions.items():
        text = text.replace(placeholder, value)
    full = json.loads(text)
    for statement in full["Statement"]:
        statement.pop("Condition", None)
    # The worker and backfill hold every statement but FinalizeDeleteSource; a finalizer, all of them.
    policy = {**full, "Statement": [s for s in full["Statement"] if s.get("Sid") != "FinalizeDeleteSource"]}

    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    admin = iam.create_access_key(UserName="admin")["AccessKey"]
    iam.create_user(UserName="mover")
    iam.put_user_policy(UserName="mover", PolicyName="s3-mover", PolicyDocument=json.dumps(policy))
    mover = iam.create_access_key(UserName="mover")["AccessKey"]
    iam.create_user(UserName="finalizer")
    iam.put_user_policy(UserName="finalizer", PolicyName="s3-mover-finalize", PolicyDocument=json.dumps(full))
    finalizer = iam.create_access_key(UserName="finalizer")["AccessKey"]
    role = iam.create_role(RoleName="s3-mover", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                                "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks"}}]}))
    iam.put_role_policy(RoleName="s3-mover", PolicyName="s3-mover", PolicyDocument=json.dumps(policy))

    s3.put_bucket_notification_configuration(Bucket=source, NotificationConfiguration={"QueueConfigurations": [{
        "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "image/"}, {"Name": "suffix", "Value": ".png"}]}}}]})
    sqs.purge_queue(QueueUrl=queue)  # the s3:TestEvent
    print(json.dumps({
        "source": source, "destination": destination, "queue": queue, "dlq": dlq,
        "admin_key": admin["AccessKeyId"], "admin_secret": admin["SecretAccessKey"],
        "mover_key": mover["AccessKeyId"], "mover_secret": mover["SecretAccessKey"],
        "finalizer_key": finalizer["AccessKeyId"], "finalizer_secret": finalizer["SecretAccessKey"],
        "role_arn": role["Role"]["Arn"],
    }))


def serve(port):
    from urllib.parse import quote, unquote

    from moto.iam import access_control
    from moto.server import main

    original = access_control.IAMRequestBase._create_aws_request

    def create_aws_request(self):
        path, separator, query = self._path.partition("?")
        if separator:
            def canonical(part):
                return quote(unquote(part), safe="-_.~")
            pairs = [pair.partition("=") for pair in query.split("&") if pair]
            self._path = path + "?" + "&".join(canonical(k) + "=" + canonical(v) for k, _, v in pairs)
        return original(self)

    access_control.IAMRequestBase._create_aws_request = create_aws_request

    original_init = access_control.IAMRequestBase.__init__
    batch_actions = {"sqs:DeleteMessageBatch": "sqs:DeleteMessage",
                     "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
                     "sqs:SendMessageBatch": "sqs:SendMessage"}

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._action = batch_actions.get(self._action, self._action)

    access_control.IAMRequestBase.__init__ = init

    from moto.core.responses import ActionAuthenticatorMixin
    original_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def authorize(self, iam_request_cls, resource="*"):
        if self._get_action() == "AssumeRoleWithWebIdentity" and "Authorization" not in self.headers:
            return
        return original_authorize(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authorize
    main(["-H", "127.0.0.1", "-p", port])


def enforce(url):
    request = urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
    print(urllib.request.urlopen(request).read().decode())


def denied(url, key, secret, name):
    s3, sqs = client("s3", url, key, secret), client("sqs", url, key, secret)
    queue = f"{url}/123456789012/{name}"
    attempts = {
        "s3:PutObject on the source": lambda: s3.put_object(Bucket=f"{name}-src", Key="image/evil.png", Body=b"x"),
        "s3:DeleteObject on the source": lambda: s3.delete_object(Bucket=f"{name}-src", Key="image/avatar-1.png"),
        "s3:GetObject outside the source prefix": lambda: s3.get_object(Bucket=f"{name}-src", Key="secrets/keys.txt"),
        "s3:PutObject outside the destination prefix": lambda: s3.put_object(Bucket=f"{name}-dst", Key="other/x.png", Body=b"x"),
        "sqs:SendMessage": lambda: sqs.send_message(QueueUrl=queue, MessageBody="{}"),
        "sqs:PurgeQueue": lambda: sqs.purge_queue(QueueUrl=queue),
    }
    result = {}
    for label, attempt in attempts.items():
        try:
            attempt()
            result[label] = "allowed"
        except ClientError as error:
            result[label] = error.response["Error"]["Code"]
    print(json.dumps(result))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"serve": serve, "setup": setup, "enforce": enforce, "denied": denied}[command](*args)
