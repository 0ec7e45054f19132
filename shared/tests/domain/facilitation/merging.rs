//! Merging proposals into projects, and undoing it.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn merging_counts_each_supporter_once_and_keeps_the_originals() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator =
        platform_facilitator(&demo, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    let (a, b, c) = (mobilita[0], mobilita[1], mobilita[2]);

    // One new person supports two of them, two others one each.
    let both = fresh_person(&demo, "Sostiene Due").await;
    let only_a = fresh_person(&demo, "Sostiene A").await;
    let only_c = fresh_person(&demo, "Sostiene C").await;
    for (who, id) in [(&both, a), (&both, b), (&only_a, a), (&only_c, c)] {
        assert!(supports::give(&ctx(&demo, who), id).await.unwrap().changed);
    }
    // Comments are closed while voting: one written earlier, straight in the table.
    let remark = stored_comment(&demo, b, &only_a, "Un commento scritto prima del voto.").await;
    let comments_before = proposal_row(&demo, b).await.comment_count;

    // What the project must show, counted by hand.
    let originals = [a, b, c];
    let distinct = count_sql(
        &demo,
        "SELECT COUNT(DISTINCT user_id) FROM supports WHERE proposal_id IN (?, ?, ?)",
        originals.iter().map(|id| Value::from(*id)).collect(),
    )
    .await;
    let rows = support::Entity::find()
        .filter(support::Column::ProposalId.is_in(originals))
        .all(&demo.db)
        .await
        .unwrap();
    let people: HashSet<Uuid> = rows.iter().filter_map(|s| s.user_id).collect();
    assert_eq!(people.len() as i64, distinct);
    let mut sum = 0i64;
    for id in originals {
        let row = proposal_row(&demo, id).await;
        assert_eq!(row.support_count as u64, supports_rows(&demo, id).await);
        sum += i64::from(row.support_count);
    }
    let overlaps = rows.len() as i64 - distinct;
    assert_eq!(distinct, sum - overlaps);
    let demo_people = people
        .iter()
        .filter(|id| ![both.id, only_a.id, only_c.id].contains(id))
        .count() as i64;
    assert_eq!(
        distinct,
        demo_people + 3,
        "the person who supported two counts once"
    );

    let title = "Cantiere per una mobilità sostenibile";
    let project_id = projects::merge(&as_facilitator, &[a, b, c, a], &project_input(title))
        .await
        .unwrap();

    let detail = projects::detail(&anon, project_id).await.unwrap();
    assert_eq!(detail.title, title);
    assert_eq!(detail.distinct_supporters, Some(distinct));
    assert_eq!(
        detail.partners,
        vec!["Comune".to_owned(), "Associazione di quartiere".to_owned()]
    );
    assert_eq!(detail.agreement, AgreementKind::MemorandumOfUnderstanding);
    assert_eq!(
        detail.members.iter().map(|m| m.id).collect::<HashSet<_>>(),
        HashSet::from(originals)
    );
    let member_supports: i64 = detail.members.iter().filter_map(|m| m.support_count).sum();
    assert_eq!(member_supports, sum);
    assert!(!detail.can_manage);
    assert!(
        projects::detail(&as_facilitator, project_id)
            .await
            .unwrap()
            .can_manage
    );
    let listed_projects = projects::list(&anon, ALESSANDRIA).await.unwrap();
    assert_eq!(listed_projects.len(), 1);
    assert_eq!(
        (
            listed_projects[0].id,
            listed_projects[0].member_count,
            listed_projects[0].distinct_supporters
        ),
        (project_id, 3, Some(distinct))
    );

    // The originals stay readable and point at the project.
    for id in originals {
        let row = proposal_row(&demo, id).await;
        assert_eq!(row.state, "merged");
        assert_eq!(row.project_id, Some(project_id));
        assert_eq!(row.premerge_state.as_deref(), Some("published"));
        let seen = proposals::detail(&anon, id).await.unwrap();
        assert_eq!(seen.state, ProposalState::Merged);
        assert!(!seen.title.is_empty());
        assert_eq!(
            seen.project,
            Some(NamedRef {
                key: project_id.to_string(),
                name: title.to_owned(),
            })
        );
    }
    assert_eq!(proposal_row(&demo, b).await.comment_count, comments_before);
    assert_eq!(comment_row(&demo, remark).await.proposal_id, b);
    assert!(comment_seen(&anon, b, remark).await.is_some());

    // Supporters and authors are told; the facilitator who did it is not.
    for (who, id) in [(both.id, a), (both.id, b), (only_a.id, a), (only_c.id, c)] {
        assert_eq!(notified(&demo, who, NotificationKind::Merged, id).await, 1);
    }
    for id in originals {
        let author = proposal_row(&demo, id).await.author_id.expect("an author");
        assert_eq!(
            notified(&demo, author, NotificationKind::Merged, id).await,
            1
        );
        assert_eq!(
            notified(&demo, facilitator.id, NotificationKind::Merged, id).await,
            0
        );
    }
    let merged_notice = notification::Entity::find()
        .filter(notification::Column::UserId.eq(only_c.id))
        .filter(notification::Column::Kind.eq("merged"))
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(merged_notice.detail, title);

    let log = public_log(&demo, ALESSANDRIA).await;
    let entry = logged(
        &log,
        ModerationAction::Merged,
        &format!("/progetti/{project_id}"),
    )
    .expect("the merge is logged");
    assert_eq!(
        (entry.target_kind, entry.target_label.as_str()),
        (TargetKind::Project, title)
    );

    // A merged proposal takes no more supports, and no second merge.
    let late = fresh_person(&demo, "Arriva Tardi").await;
    assert_eq!(
        refusal(supports::give(&ctx(&demo, &late), a).await),
        Refusal::ProposalClosed {
            state: ProposalState::Merged
        }
    );
    assert_eq!(
        refusal(projects::merge(&as_facilitator, &[a, mobilita[3]], &project_input(title)).await),
        Refusal::ProposalClosed {
            state: ProposalState::Merged
        }
    );
    // Proposals of two platforms never merge.
    let process_wide = process_facilitator(&demo, ALESSANDRIA, "Facilitatore generale").await;
    let digital = published_in(&demo, ALESSANDRIA, "servizi-digitali").await[0];
    assert_eq!(
        field_of(
            projects::merge(
                &ctx(&demo, &process_wide),
                &[mobilita[3], digital],
                &project_input(title)
            )
            .await
        )
        .0,
        "proposte"
    );
    // Nor does a single proposal.
    assert_eq!(
        field_of(
            projects::merge(
                &as_facilitator,
                &[mobilita[3], mobilita[3]],
                &project_input(title)
            )
            .await
        )
        .0,
        "proposte"
    );
    for id in [mobilita[3], digital] {
        let row = proposal_row(&demo, id).await;
        assert_eq!((row.state.as_str(), row.project_id), ("published", None));
    }
    assert_eq!(project::Entity::find().count(&demo.db).await.unwrap(), 1);
}

#[tokio::test]
async fn undoing_a_merge_gives_each_original_its_state_back() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator =
        platform_facilitator(&demo, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    let (a, b) = (mobilita[0], mobilita[1]);
    authoring::answer(&as_facilitator, a, "accepted", "Accolta: entra nel piano.")
        .await
        .unwrap();
    let supporter = fresh_person(&demo, "Sostenitrice").await;
    assert!(
        supports::give(&ctx(&demo, &supporter), b)
            .await
            .unwrap()
            .changed
    );

    let project_id = projects::merge(&as_facilitator, &[a, b], &project_input("Cantiere unico"))
        .await
        .unwrap();
    assert_eq!(
        proposal_row(&demo, a).await.premerge_state.as_deref(),
        Some("accepted")
    );
    // A facilitator edits it while it lives.
    projects::edit(
        &as_facilitator,
        project_id,
        &ProjectInput::parse(
            "Cantiere rinominato per la mobilità",
            "Una descrizione nuova, abbastanza lunga da bastare.",
            "",
            "convenzione",
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let row = project_row(&demo, project_id).await;
    assert_eq!(
        (
            row.title.as_str(),
            row.agreement.as_str(),
            row.partners.as_str()
        ),
        ("Cantiere rinominato per la mobilità", "convenzione", "")
    );

    // Undo needs a reason.
    assert_eq!(
        field_of(projects::undo(&as_facilitator, project_id, "no").await).0,
        "motivo"
    );
    assert!(project_row(&demo, project_id).await.dissolved_at.is_none());
    projects::undo(&as_facilitator, project_id, "Unione decisa per errore")
        .await
        .unwrap();

    let first = proposal_row(&demo, a).await;
    assert_eq!(
        (first.state.as_str(), first.project_id, first.premerge_state),
        ("accepted", None, None)
    );
    let second = proposal_row(&demo, b).await;
    assert_eq!(
        (
            second.state.as_str(),
            second.project_id,
            second.premerge_state
        ),
        ("published", None, None)
    );
    assert!(project_row(&demo, project_id).await.dissolved_at.is_some());
    assert!(projects::list(&anon, ALESSANDRIA).await.unwrap().is_empty());
    let dissolved = projects::detail(&as_facilitator, project_id).await.unwrap();
    assert!(dissolved.dissolved_at.is_some() && !dissolved.can_manage);
    assert!(dissolved.members.is_empty());
    let seen = proposals::detail(&anon, a).await.unwrap();
    assert_eq!((seen.state, seen.project), (ProposalState::Accepted, None));
    assert_eq!(
        notified(&demo, supporter.id, NotificationKind::Unmerged, b).await,
        1
    );

    // Once is enough.
    assert_eq!(
        refusal(projects::undo(&as_facilitator, project_id, "Ancora una volta").await),
        Refusal::ModerationStale
    );
    assert_eq!(
        refusal(projects::edit(&as_facilitator, project_id, &project_input("Troppo tardi")).await),
        Refusal::ModerationStale
    );
    let log = public_log(&demo, ALESSANDRIA).await;
    let undone: Vec<_> = log
        .iter()
        .filter(|e| e.action == ModerationAction::Unmerged)
        .collect();
    assert_eq!(undone.len(), 1);
    assert_eq!(undone[0].reason, "Unione decisa per errore");
    assert_eq!(
        undone[0].link.as_deref(),
        Some(format!("/progetti/{project_id}").as_str())
    );
    // The originals stand alone again: they may merge anew.
    projects::merge(&as_facilitator, &[a, b], &project_input("Cantiere secondo"))
        .await
        .expect("free to merge again");
}
