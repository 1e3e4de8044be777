# Golden SigV4 values for s3-mover's signer tests, computed with botocore (an independent implementation).
import datetime, hashlib, urllib.parse
from unittest import mock
import botocore.auth
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
FIXED = datetime.datetime(2026, 11, 25, 6, 0, 0)
def sign(method, url, headers, body=b"", token=None, service="s3"):
    c = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    req = AWSRequest(method=method, url=url, headers=headers, data=body)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=FIXED):
        if service == "s3":
            req.headers['X-Amz-Content-SHA256'] = hashlib.sha256(body).hexdigest()
            S3SigV4Auth(c, "s3", "us-east-1").add_auth(req)
        else:
            SigV4Auth(c, service, "us-east-1").add_auth(req)
    return req.headers['Authorization'].split("Signature=")[1], req.headers['X-Amz-Date']
key = "image/sp ace+plus%pct/ünï.png"
print("key", sign("GET", "http://127.0.0.1:9000/legacy-avatars/" + urllib.parse.quote(key, safe="/~"), {}))
print("copy", sign("PUT", "http://127.0.0.1:9000/prod-avatars/avatar/a%2Bb.png", {"x-amz-copy-source": "/legacy-avatars/image/a%2Bb.png"}))
print("list", sign("GET", "http://127.0.0.1:9000/legacy-avatars?list-type=2&prefix=image%2F&encoding-type=url&max-keys=1000&continuation-token=abc%3D%3D", {}))
print("put", sign("PUT", "http://127.0.0.1:9000/legacy-avatars/image/avatar-1.png", {"Content-Type": "image/png"}, body=b"\x89PNG", token="SESSIONTOKEN/+="))
print("sqs", sign("POST", "http://127.0.0.1:5055/", {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ReceiveMessage"}, body=b'{"QueueUrl":"q"}', service="sqs"))
