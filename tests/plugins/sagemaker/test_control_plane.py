"""The control plane against moto's server on loopback: the exact SageMaker requests a deploy makes,
and what moto then holds (models, configs, endpoints, tags) for create, replace, add, traffic
shifts, autoscaling, serverless, async and delete.

moto accepts any image, role and S3 URL and reports InService at once (testing-real-parts.md §2.1),
so the failure and rollback paths are in test_failures.py with botocore's Stubber. The image is
given as ``image_uri`` here; building and pushing it is the Docker tier's (test_image.py).
"""

from __future__ import annotations

import io
import tarfile

import pytest

import vetiver
from tests.plugins.sagemaker.conftest import REGION, sagemaker, tags_of
from vetiver_sagemaker import SageMakerEndpoint, delete_sagemaker, deploy_sagemaker, shift_traffic
from vetiver_sagemaker.errors import EndpointExistsError, EndpointNotFoundError, RoleError, UnreachableBoardError
from vetiver_sagemaker.requests import OptionError

pytestmark = pytest.mark.s3


def deploy(pinned, session, endpoint_url, role_arn, image_uri, **options):
    return deploy_sagemaker(pinned.board, pinned.name, options.pop("instance_type", "ml.m5.large"), role=role_arn,
                            image_uri=image_uri, session=session, endpoint_url=endpoint_url, region=REGION,
                            **options)  # fmt: skip


def test_create_sends_tagged_model_config_and_endpoint(s3_pinned, session, aws_env, role_arn, image_uri, capsys):
    endpoint = deploy(s3_pinned, session, aws_env, role_arn, image_uri, version=s3_pinned.versions[0],
                      tags={"team": "ml"})  # fmt: skip
    assert isinstance(endpoint, SageMakerEndpoint) and endpoint.endpoint_name == "cars"
    recorded = session.recorder
    assert recorded.operations() == ["DescribeEndpoint", "CreateModel", "CreateEndpointConfig", "CreateEndpoint",
                                     "DescribeEndpoint"]  # fmt: skip

    (model,) = recorded.of("CreateModel")
    deployment = endpoint.deployment
    assert model["ModelName"] == deployment.model_name and model["ModelName"].startswith("cars-model-")
    assert model["ExecutionRoleArn"] == role_arn
    assert model["PrimaryContainer"] == {
        "Image": image_uri,
        "Environment": {"VETIVER_BOARD": s3_pinned.url, "VETIVER_PIN_NAME": "cars",
                        "VETIVER_PIN_VERSION": s3_pinned.versions[0], "VETIVER_RUNTIME": "sagemaker",
                        "PINS_ALLOW_PICKLE_READ": "1"},
    }  # fmt: skip
    expected_tags = {"vetiver:pin_board": s3_pinned.url, "vetiver:pin_name": "cars",
                     "vetiver:pin_version": s3_pinned.versions[0], "vetiver:version": vetiver.__version__,
                     "vetiver:endpoint": "cars", "team": "ml"}  # fmt: skip
    assert {t["Key"]: t["Value"] for t in model["Tags"]} == expected_tags

    (config,) = recorded.of("CreateEndpointConfig")
    assert config["ProductionVariants"] == [{"VariantName": "AllTraffic", "ModelName": model["ModelName"],
                                             "InitialVariantWeight": 1.0, "InstanceType": "ml.m5.large",
                                             "InitialInstanceCount": 1}]  # fmt: skip
    assert "AsyncInferenceConfig" not in config
    (created,) = recorded.of("CreateEndpoint")
    assert created["EndpointName"] == "cars" and created["EndpointConfigName"] == deployment.config_name

    # What moto now holds, read back with the real client.
    sm = sagemaker(session, aws_env)
    described = sm.describe_endpoint(EndpointName="cars")
    assert described["EndpointStatus"] == "InService" and described["EndpointConfigName"] == deployment.config_name
    assert tags_of(session, aws_env, sm.describe_model(ModelName=deployment.model_name)["ModelArn"]) == expected_tags
    assert "endpoint cars: InService" in capsys.readouterr().err  # wait progress


def test_create_refuses_an_existing_endpoint_before_creating_anything(s3_pinned, session, aws_env, role_arn, image_uri):
    deploy(s3_pinned, session, aws_env, role_arn, image_uri)
    models_before = len(sagemaker(session, aws_env).list_models()["Models"])
    with pytest.raises(EndpointExistsError, match="mode='replace'"):
        deploy(s3_pinned, session, aws_env, role_arn, image_uri)
    assert len(sagemaker(session, aws_env).list_models()["Models"]) == models_before


def test_replace_updates_in_place_and_deletes_what_it_replaced(s3_pinned, session, aws_env, role_arn, image_uri):
    first = deploy(s3_pinned, session, aws_env, role_arn, image_uri, version=s3_pinned.versions[0]).deployment
    session.recorder.calls.clear()
    second = deploy(s3_pinned, session, aws_env, role_arn, image_uri, mode="replace").deployment
    ops = session.recorder.operations()
    assert ops[:5] == ["DescribeEndpoint", "CreateModel", "DescribeEndpointConfig", "CreateEndpointConfig",
                       "UpdateEndpoint"]  # fmt: skip
    (update,) = session.recorder.of("UpdateEndpoint")
    assert update == {"EndpointName": "cars", "EndpointConfigName": second.config_name}
    (config,) = session.recorder.of("CreateEndpointConfig")
    assert [v["ModelName"] for v in config["ProductionVariants"]] == [second.model_name]  # only the new model
    assert session.recorder.of("DeleteEndpointConfig") == [{"EndpointConfigName": first.config_name}]
    assert session.recorder.of("DeleteModel") == [{"ModelName": first.model_name}]
    assert set(second.deleted) == {first.config_name, first.model_name}

    sm = sagemaker(session, aws_env)
    assert sm.describe_endpoint(EndpointName="cars")["EndpointConfigName"] == second.config_name
    models = {m["ModelName"] for m in sm.list_models()["Models"]}
    assert second.model_name in models and first.model_name not in models
    (model,) = session.recorder.of("CreateModel")
    assert model["PrimaryContainer"]["Environment"]["VETIVER_PIN_VERSION"] == s3_pinned.versions[1]


def test_replace_with_archive_keeps_the_old_model_and_config(s3_pinned, session, aws_env, role_arn, image_uri):
    first = deploy(s3_pinned, session, aws_env, role_arn, image_uri).deployment
    deploy(s3_pinned, session, aws_env, role_arn, image_uri, mode="replace", archive=True)
    sm = sagemaker(session, aws_env)
    assert first.model_name in {m["ModelName"] for m in sm.list_models()["Models"]}
    assert first.config_name in {c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]}


def test_add_puts_a_variant_at_weight_zero_then_traffic_shifts(s3_pinned, session, aws_env, role_arn, image_uri):
    first = deploy(s3_pinned, session, aws_env, role_arn, image_uri, version=s3_pinned.versions[0]).deployment
    session.recorder.calls.clear()
    added = deploy(s3_pinned, session, aws_env, role_arn, image_uri, mode="add", instance_type="ml.c5.large").deployment
    (config,) = session.recorder.of("CreateEndpointConfig")
    assert config["ProductionVariants"] == [
        {"VariantName": "AllTraffic", "ModelName": first.model_name, "InitialVariantWeight": 1.0,
         "InstanceType": "ml.m5.large", "InitialInstanceCount": 1},
        {"VariantName": added.variant_name, "ModelName": added.model_name, "InitialVariantWeight": 0.0,
         "InstanceType": "ml.c5.large", "InitialInstanceCount": 1},
    ]  # fmt: skip
    assert added.variant_name.startswith(f"v-{s3_pinned.versions[1]}"[:20])
    assert session.recorder.of("DeleteModel") == []  # the serving model stays
    assert added.deleted == (first.config_name,)

    session.recorder.calls.clear()
    weights = shift_traffic("cars", {"AllTraffic": 0.5, added.variant_name: 0.5}, session=session,
                            endpoint_url=aws_env, region=REGION)  # fmt: skip
    assert weights == {"AllTraffic": 0.5, added.variant_name: 0.5}
    (update,) = session.recorder.of("UpdateEndpointWeightsAndCapacities")
    assert update["DesiredWeightsAndCapacities"] == [{"VariantName": "AllTraffic", "DesiredWeight": 0.5},
                                                     {"VariantName": added.variant_name, "DesiredWeight": 0.5}]  # fmt: skip
    with pytest.raises(OptionError, match="no variant nope"):
        shift_traffic("cars", {"nope": 1}, session=session, endpoint_url=aws_env, region=REGION)


def test_serverless_and_async_configs(s3_pinned, session, aws_env, role_arn, image_uri):
    deploy(s3_pinned, session, aws_env, role_arn, image_uri, instance_type=None, endpoint_name="cars-serverless",
           serverless={"memory_size_in_mb": 3072, "max_concurrency": 20})  # fmt: skip
    (config,) = session.recorder.of("CreateEndpointConfig")
    (variant,) = config["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 3072, "MaxConcurrency": 20}
    assert "InstanceType" not in variant and "InitialInstanceCount" not in variant

    session.recorder.calls.clear()
    deploy(s3_pinned, session, aws_env, role_arn, image_uri, endpoint_name="cars-async",
           async_inference={"output_path": "s3://out/cars", "max_concurrent_invocations": 4})  # fmt: skip
    (config,) = session.recorder.of("CreateEndpointConfig")
    assert config["AsyncInferenceConfig"] == {"OutputConfig": {"S3OutputPath": "s3://out/cars"},
                                              "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4}}  # fmt: skip
    held = sagemaker(session, aws_env).describe_endpoint_config(EndpointConfigName=config["EndpointConfigName"])
    assert held["AsyncInferenceConfig"]["OutputConfig"]["S3OutputPath"] == "s3://out/cars"


@pytest.mark.parametrize(
    ("serverless", "message"),
    [({"memory_size_in_mb": 1000}, "1024, 2048"), ({"max_concurrency": 201}, "between 1 and 200"),
     ({"max_concurrency": 0}, "between 1 and 200"), ({"memory": 2048}, "unknown serverless settings")],
)  # fmt: skip
def test_bad_serverless_settings_are_refused_before_any_call(s3_pinned, session, aws_env, serverless, message):
    with pytest.raises(OptionError, match=message):
        deploy(s3_pinned, session, aws_env, "arn:aws:iam::123456789012:role/x", "img", serverless=serverless)
    assert session.recorder.calls == []


def test_autoscaling_tracks_invocations_per_instance(s3_pinned, session, aws_env, role_arn, image_uri):
    deploy(s3_pinned, session, aws_env, role_arn, image_uri,
           autoscaling={"min_capacity": 1, "max_capacity": 3, "target_invocations": 50})  # fmt: skip
    (target,) = session.recorder.of("RegisterScalableTarget")
    assert target == {"ServiceNamespace": "sagemaker", "ResourceId": "endpoint/cars/variant/AllTraffic",
                      "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "MinCapacity": 1,
                      "MaxCapacity": 3}  # fmt: skip
    (policy,) = session.recorder.of("PutScalingPolicy")
    assert policy["PolicyType"] == "TargetTrackingScaling"
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 50.0
    assert policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }
    # A replace deregisters the replaced variant first (SageMaker refuses to remove a scaled variant).
    session.recorder.calls.clear()
    deploy(s3_pinned, session, aws_env, role_arn, image_uri, mode="replace")
    ops = session.recorder.operations("application-autoscaling")
    assert ops == ["DescribeScalableTargets", "DeregisterScalableTarget"]
    assert session.recorder.operations().index("UpdateEndpoint") > 0


def test_delete_removes_endpoint_configs_and_models_it_created(s3_pinned, session, aws_env, role_arn, image_uri):
    first = deploy(s3_pinned, session, aws_env, role_arn, image_uri).deployment
    second = deploy(s3_pinned, session, aws_env, role_arn, image_uri, mode="replace", archive=True).deployment
    other = deploy(s3_pinned, session, aws_env, role_arn, image_uri, endpoint_name="other").deployment
    deleted = delete_sagemaker("cars", session=session, endpoint_url=aws_env, region=REGION)
    assert set(deleted) == {"cars", first.config_name, second.config_name, first.model_name, second.model_name}
    sm = sagemaker(session, aws_env)
    assert {m["ModelName"] for m in sm.list_models()["Models"]} == {other.model_name}
    assert [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]] == ["other"]
    with pytest.raises(EndpointNotFoundError):
        delete_sagemaker("cars", session=session, endpoint_url=aws_env, region=REGION)


def test_a_folder_board_is_refused_unless_shipped_through_opt_ml_model(
    folder_pinned, session, aws_env, role_arn, image_uri
):
    with pytest.raises(UnreachableBoardError, match="model_data="):
        deploy(folder_pinned, session, aws_env, role_arn, image_uri)
    assert session.recorder.operations() == []

    s3 = session.client("s3", endpoint_url=aws_env)
    s3.create_bucket(Bucket="artifacts")

    endpoint = deploy(folder_pinned, session, aws_env, role_arn, image_uri, model_data="s3://artifacts/vetiver")
    version = folder_pinned.versions[-1]
    url = f"s3://artifacts/vetiver/cars/{version}/model.tar.gz"
    assert endpoint.deployment.model_data_url == url
    (model,) = session.recorder.of("CreateModel")
    assert model["PrimaryContainer"]["ModelDataUrl"] == url
    assert model["PrimaryContainer"]["Environment"]["VETIVER_BOARD"] == "/opt/ml/model"

    # The tarball is a folder board with that one version, as SageMaker unpacks it into /opt/ml/model.
    body = s3.get_object(Bucket="artifacts", Key=url.split("/", 3)[3])["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        names = sorted(archive.getnames())
    assert f"cars/{version}/data.txt" in names and all(n.startswith(f"cars/{version}/") for n in names)

    delete_sagemaker("cars", session=session, endpoint_url=aws_env, region=REGION)
    assert "Contents" not in s3.list_objects_v2(Bucket="artifacts")  # the tarball went with its model


def test_without_a_role_an_iam_user_gets_a_clear_error(s3_pinned, session, aws_env, image_uri):
    with pytest.raises(RoleError, match="pass role="):
        deploy(s3_pinned, session, aws_env, None, image_uri)
    with pytest.raises(RoleError, match="not an IAM role ARN"):
        deploy(s3_pinned, session, aws_env, "arn:aws:iam::123456789012:user/me", image_uri)
    assert session.recorder.of("CreateModel") == []


def test_a_role_name_is_looked_up_in_iam(s3_pinned, session, aws_env, role_arn, image_uri):
    deploy(s3_pinned, session, aws_env, "vetiver-sm", image_uri)
    (model,) = session.recorder.of("CreateModel")
    assert model["ExecutionRoleArn"] == role_arn
