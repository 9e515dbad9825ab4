//! EC2 instance records: recorded, marked, listed open until terminated,
//! and kept across a reopen of the database.

use kiln_store::{sqlite_url_in, Ec2InstanceState, SecretCipher, Store, StoreError};

#[tokio::test]
async fn instances_stay_open_until_terminated_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url_in(dir.path());
    let store = Store::connect(&url, SecretCipher::from_key(&[3; 32]))
        .await
        .unwrap();
    store
        .record_ec2_instance("i-0001", 7, "aws-1", "us-east-2")
        .await
        .unwrap();
    store
        .record_ec2_instance("i-0002", 8, "aws-1", "eu-west-1")
        .await
        .unwrap();
    let duplicate = store
        .record_ec2_instance("i-0001", 9, "aws-1", "us-east-2")
        .await;
    assert!(duplicate.is_err(), "an instance id is recorded once");

    store
        .mark_ec2_instance("i-0001", Ec2InstanceState::TerminateFailed, "throttled")
        .await
        .unwrap();
    let open = store.open_ec2_instances().await.unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].state, Ec2InstanceState::TerminateFailed);
    assert_eq!(open[0].last_error, "throttled");
    assert_eq!(open[1].region, "eu-west-1");

    store
        .mark_ec2_instance("i-0001", Ec2InstanceState::Terminated, "")
        .await
        .unwrap();
    let missing = store
        .mark_ec2_instance("i-9999", Ec2InstanceState::Terminated, "")
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));
    drop(store);

    let store = Store::connect(&url, SecretCipher::from_key(&[3; 32]))
        .await
        .unwrap();
    let open = store.open_ec2_instances().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].instance_id, "i-0002");
    assert_eq!(open[0].run_id, 8);
    let all = store.all_ec2_instances().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].terminated_ms.is_some());
}
