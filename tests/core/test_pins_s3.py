"""Pins on S3 through moto's server on loopback: the real S3 protocol, boto3/s3fs/pins clients."""

from __future__ import annotations

import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from vetiver.errors import PinIntegrityError
from vetiver.storage import pinstore

pytestmark = pytest.mark.s3


def _board(bucket: str, endpoint: str, **options):
    return vetiver.board(f"s3://{bucket}/models", client_kwargs={"endpoint_url": endpoint}, **options)


def _model(seed: int) -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=seed)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), "cars", prototype_data=X)


def test_write_and_read_back_from_a_fresh_board(s3_bucket, moto_endpoint, tmp_path, monkeypatch):
    board = _board(s3_bucket, moto_endpoint)
    first = vetiver.vetiver_pin_write(board, _model(1)).version.version
    second = vetiver.vetiver_pin_write(board, _model(2)).version.version

    monkeypatch.setenv("PINS_CACHE_DIR", str(tmp_path / "another-cache"))
    fresh = _board(s3_bucket, moto_endpoint, allow_pickle_read=True)
    assert [v.version for v in pinstore.list_versions(fresh, "cars")] == [first, second]
    latest = vetiver.VetiverModel.from_pin(fresh, "cars")
    X, _ = vetiver.get_mock_data(seed=7)
    assert latest.metadata.version == second
    assert latest.model.predict(X).tolist() == _model(2).model.predict(X).tolist()
    assert vetiver.get_board_pkgs(fresh) == ["s3fs"]  # 0.2.6 returned [] for S3


def test_upload_in_progress_is_not_latest(s3_bucket, moto_endpoint):
    import boto3

    board = _board(s3_bucket, moto_endpoint, allow_pickle_read=True)
    done = vetiver.vetiver_pin_write(board, _model(1)).version.version
    # a newer version whose data.txt has not been uploaded yet
    boto3.client("s3", endpoint_url=moto_endpoint).put_object(
        Bucket=s3_bucket, Key="models/cars/29991231T235959Z-fffff/cars.joblib", Body=b"partial"
    )
    assert vetiver.VetiverModel.from_pin(board, "cars").metadata.version == done


def test_tampered_object_is_refused(s3_bucket, moto_endpoint, tmp_path, monkeypatch):
    import boto3

    board = _board(s3_bucket, moto_endpoint)
    version = vetiver.vetiver_pin_write(board, _model(1)).version.version
    boto3.client("s3", endpoint_url=moto_endpoint).put_object(
        Bucket=s3_bucket, Key=f"models/cars/{version}/cars.joblib", Body=b"not the model"
    )
    monkeypatch.setenv("PINS_CACHE_DIR", str(tmp_path / "cold-cache"))
    with pytest.raises(PinIntegrityError):
        vetiver.VetiverModel.from_pin(_board(s3_bucket, moto_endpoint, allow_pickle_read=True), "cars")
