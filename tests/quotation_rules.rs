//! The rules of quotation detection, each on a small edition written to
//! show it: what formulaic prose does to a detector (reporting frames that
//! recur with every quotation of one speaker, sayings that several passages
//! carry, news ledes repeated by every report of a meeting, formulas whose
//! edges run into the words around them), and what must come out.
//! tests/quotations.rs measures the same detector on whole compilations.

use std::path::Path;

use zhushu::enrich::quotations::{Kind, Quotation, QuotationOptions, detect};
use zhushu::model::Edition;

/// One piece of a test edition: its slug, kind, date and body.
struct Piece<'a> {
    slug: &'a str,
    kind: &'a str,
    date: &'a str,
    body: &'a str,
}

fn edition(root: &Path, pieces: &[Piece]) -> Edition {
    edition_in(root, "zh", pieces)
}

fn edition_in(root: &Path, language: &str, pieces: &[Piece]) -> Edition {
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "content/edition.yaml",
        &format!("title: 测试\nlanguage: {language}\n"),
    );
    for (n, p) in pieces.iter().enumerate() {
        write(
            &format!("content/chapters/{:02}-{}.md", n + 1, p.slug),
            &format!(
                "---\ntitle: 第{}篇\nkind: {}\ndate: {}\n---\n\n{}\n",
                n + 1,
                p.kind,
                p.date,
                p.body
            ),
        );
    }
    zhushu::load::load(root, false).unwrap()
}

/// An edition of `bodies`, one piece each, slugged p0, p1, … and all of
/// one kind and date.
fn edition_of(root: &Path, kind: &str, date: &str, bodies: &[String]) -> Edition {
    let slugs: Vec<String> = (0..bodies.len()).map(|n| format!("p{n}")).collect();
    let pieces: Vec<Piece> = slugs
        .iter()
        .zip(bodies)
        .map(|(slug, body)| Piece {
            slug,
            kind,
            date,
            body,
        })
        .collect();
    edition(root, &pieces)
}

fn found(edition: &Edition) -> Vec<Quotation> {
    detect(edition, &QuotationOptions::for_edition(&edition.config))
}

/// The slugs of the pieces a cluster stands in.
fn pieces(edition: &Edition, q: &Quotation) -> Vec<String> {
    let mut slugs: Vec<String> = q
        .occurrences
        .iter()
        .map(|o| edition.chapters[o.chapter].slug.clone())
        .collect();
    slugs.dedup();
    slugs
}

fn describe(edition: &Edition, found: &[Quotation]) -> Vec<String> {
    found
        .iter()
        .map(|q| format!("{:?} {} {:?}", q.kind, q.text(), pieces(edition, q)))
        .collect()
}

const A: &str = "档案工作看似平凡，实则关系全局，要像爱护眼睛一样爱护每一卷档案";
const B: &str = "文稿起草要三易其稿，宁可多熬几个夜，也不让一个错字出门";

/// The words that report a speaker (……同志在……会议上的讲话中指出：) stand
/// before each of that speaker's quotations: they must not join two
/// different quotations into one cluster, nor be a quotation themselves.
#[test]
fn reporting_words_do_not_chain_a_speakers_quotations() {
    let tmp = tempfile::tempdir().unwrap();
    let frame = "赵明远同志在全省秘书长工作会议上的讲话中指出";
    let e = edition(
        tmp.path(),
        &[
            Piece {
                slug: "speech",
                kind: "speech",
                date: "2015-04-02",
                body: &format!(
                    "同志们，今天主要讲三点。第一，{A}。第二，{B}。第三，会后请各单位抓紧传达。"
                ),
            },
            Piece {
                slug: "report-one",
                kind: "article",
                date: "2016",
                body: &format!(
                    "去年春天，{frame}：“{A}。”这句话我们一直记在心里，库房改造就是从那时开始的。"
                ),
            },
            Piece {
                slug: "report-two",
                kind: "article",
                date: "2017",
                body: &format!("说到文字把关，{frame}：“{B}。”编辑部把这段话贴在了墙上。"),
            },
            Piece {
                slug: "report-three",
                kind: "article",
                date: "2018",
                body: &format!("馆长在年终总结时回忆，{frame}：“{A}。”大家深受触动，纷纷表态。"),
            },
            Piece {
                slug: "report-four",
                kind: "article",
                date: "2019",
                body: &format!("培训班上，老主任讲起往事：{frame}：“{B}。”学员们认真做了笔记。"),
            },
        ],
    );
    let found = found(&e);
    let all = describe(&e, &found);
    for q in &found {
        let text: String = q.occurrences.iter().map(|o| o.text.as_str()).collect();
        assert!(
            !(text.contains("爱护眼睛") && text.contains("错字出门")),
            "one cluster holds both quotations: {all:#?}"
        );
        assert!(
            !q.text().contains("讲话中指出"),
            "the reporting words are a cluster: {all:#?}"
        );
    }
    let a = found
        .iter()
        .find(|q| q.text().contains("爱护眼睛"))
        .unwrap_or_else(|| panic!("quotation A not found: {all:#?}"));
    assert_eq!(
        pieces(&e, a),
        ["speech", "report-one", "report-three"],
        "{all:#?}"
    );
    assert_eq!(e.chapters[a.occurrences[a.origin].chapter].slug, "speech");
    let b = found
        .iter()
        .find(|q| q.text().contains("错字出门"))
        .unwrap_or_else(|| panic!("quotation B not found: {all:#?}"));
    assert_eq!(
        pieces(&e, b),
        ["speech", "report-two", "report-four"],
        "{all:#?}"
    );
}

/// A saying that two different passages carry, and that also stands on its
/// own, is a cluster of its own, nested in each passage; it does not make
/// the two passages one.
#[test]
fn a_saying_that_several_passages_carry_does_not_join_them() {
    let tmp = tempfile::tempdir().unwrap();
    let saying = "宁可慢一点把事情办对，也不快一步把事情办错";
    let first = format!("{saying}，督查工作要一竿子插到底，问题不查清楚决不收兵");
    let second = format!("{saying}，信息报送要经得起历史检验，每个数字都要有出处");
    let e = edition(
        tmp.path(),
        &[
            Piece {
                slug: "one",
                kind: "speech",
                date: "2012",
                body: &format!("关于督查，我讲一句话：{first}。请大家回去认真研究。"),
            },
            Piece {
                slug: "two",
                kind: "article",
                date: "2013",
                body: &format!("督查室的同志常说，{first}。这已成为科室的工作守则。"),
            },
            Piece {
                slug: "three",
                kind: "speech",
                date: "2014",
                body: &format!("关于信息工作，我再强调一点：{second}。希望同志们牢记。"),
            },
            Piece {
                slug: "four",
                kind: "article",
                date: "2015",
                body: &format!("信息科墙上挂着一段话：{second}。新来的同志第一天就要背下来。"),
            },
            Piece {
                slug: "five",
                kind: "article",
                date: "2016",
                body: &format!("老同志们常挂在嘴边的是：{saying}。年轻人听多了也就懂了。"),
            },
        ],
    );
    let found = found(&e);
    let all = describe(&e, &found);
    let holding = |words: &str| {
        found
            .iter()
            .find(|q| q.occurrences.iter().all(|o| o.text.contains(words)))
            .unwrap_or_else(|| panic!("no cluster of {words}: {all:#?}"))
    };
    assert_eq!(
        pieces(&e, holding("一竿子插到底")),
        ["one", "two"],
        "{all:#?}"
    );
    assert_eq!(
        pieces(&e, holding("经得起历史检验")),
        ["three", "four"],
        "{all:#?}"
    );
    let saying_cluster = found
        .iter()
        .find(|q| q.text() == saying)
        .unwrap_or_else(|| panic!("the saying is not a cluster of its own: {all:#?}"));
    assert!(
        pieces(&e, saying_cluster).contains(&"five".to_owned()),
        "{all:#?}"
    );
    // Marked over its own words wherever it stands, inside the longer
    // passages too.
    for o in &saying_cluster.occurrences {
        assert_eq!(o.text, saying, "{all:#?}");
    }
}

/// A saying that one passage carries, quoted alone in another piece, is
/// clustered with the passage first; where it stands word for word inside
/// only one of the passage's places, it comes out a cluster of its own,
/// marked over its own words there.
#[test]
fn a_saying_one_passage_carries_is_its_own_cluster_over_its_own_words() {
    let tmp = tempfile::tempdir().unwrap();
    let saying = "宁可慢一点把事情办对，也不快一步把事情办错";
    let (lead, tail) = ("督查工作要一竿子插到底，", "，问题不查清楚决不收兵");
    let piece = |slug, date, body| Piece {
        slug,
        kind: "article",
        date,
        body,
    };
    let bodies = [
        format!("关于督查，我讲一句话：“{lead}{saying}{tail}。”请大家回去认真研究。"),
        // The saying with a word of its own in this place.
        format!(
            "督查室的同志常说：“{lead}{}{tail}。”这已成为科室的工作守则。",
            saying.replace("办对", "做对")
        ),
        format!("老同志们常挂在嘴边的是：“{saying}。”年轻人听多了也就懂了。"),
    ];
    let e = edition(
        tmp.path(),
        &[
            piece("one", "2012", &bodies[0]),
            piece("two", "2013", &bodies[1]),
            piece("three", "2014", &bodies[2]),
        ],
    );
    let found = found(&e);
    let all = describe(&e, &found);
    let cluster = |words: &str| {
        found
            .iter()
            .find(|q| q.text() == words)
            .unwrap_or_else(|| panic!("no cluster of {words}: {all:#?}"))
    };
    assert_eq!(
        pieces(&e, cluster(&format!("{lead}{saying}{tail}"))),
        ["one", "two"],
        "{all:#?}"
    );
    let saying_cluster = cluster(saying);
    assert_eq!(pieces(&e, saying_cluster), ["one", "three"], "{all:#?}");
    for o in &saying_cluster.occurrences {
        assert_eq!(o.text, saying, "{all:#?}");
    }
}

/// A passage that stands twice in one paragraph, far apart, is two places
/// there, not one stretch from the first to the second.
#[test]
fn a_passage_twice_in_one_paragraph_far_apart_is_two_places() {
    let tmp = tempfile::tempdir().unwrap();
    let passage = "档案工作看似平凡，实则关系全局，要像爱护眼睛一样爱护每一卷档案";
    let between = "会议还研究了机关后勤保障、干部教育培训和年度考核等其他事项，\
                   与会同志逐项讨论，提出了许多具体意见，会后由办公室汇总整理";
    let e = edition(
        tmp.path(),
        &[
            Piece {
                slug: "one",
                kind: "speech",
                date: "2012",
                body: &format!("我讲过：“{passage}。”{between}。最后我再说一遍：“{passage}。”"),
            },
            Piece {
                slug: "two",
                kind: "article",
                date: "2013",
                body: &format!("局长多次强调：“{passage}。”这句话大家都记住了。"),
            },
        ],
    );
    let found = found(&e);
    let all = describe(&e, &found);
    let q = found
        .iter()
        .find(|q| q.text() == passage)
        .unwrap_or_else(|| panic!("the passage is not found: {all:#?}"));
    let texts: Vec<&str> = q.occurrences.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(texts, [passage; 3], "{all:#?}");
    assert_eq!(q.occurrences[0].unit, q.occurrences[1].unit);
}

/// The lede that every news report of one meeting, or of a yearly one,
/// repeats is the reporters' narration, not anybody's words; the same
/// sentence repeated by two articles, or deep in reports years apart, is a
/// recurrence all the same.
#[test]
fn narration_repeated_by_news_reports_is_not_a_quotation() {
    let lede = "三月五日，全省档案工作会议在杭州召开，副省长钱立群出席会议并讲话";
    let pieces_of = |kind: &'static str| {
        [
            Piece {
                slug: "first",
                kind,
                date: "2019-03-05",
                body: "会议总结了去年的工作，部署了今年的任务。",
            },
            Piece {
                slug: "second",
                kind,
                date: "2019-03-06",
                body: "",
            },
            Piece {
                slug: "third",
                kind,
                date: "2019-03-07",
                body: "",
            },
        ]
    };
    let bodies = [
        format!("{lede}。会议总结了去年的工作，部署了今年的任务，表彰了一批先进集体。"),
        format!("本报讯 {lede}。与会代表围绕数字化转型展开了热烈讨论，气氛十分活跃。"),
        "省档案馆今年将新建两个恒温恒湿库房，预计年底前完工投入使用。".to_owned(),
    ];
    // Each report opens with words of its own when the lede's sentence
    // stands deeper in it.
    let openings = [
        "本报讯 昨天上午，记者从省档案局获悉。\n\n",
        "本报讯 档案工作再上新台阶。\n\n",
        "",
    ];
    let deep_bodies: Vec<String> = openings
        .iter()
        .zip(&bodies)
        .map(|(opening, body)| format!("{opening}{body}"))
        .collect();
    // Reports of one meeting, days apart, repeat its lede anywhere; reports
    // years apart repeat a yearly meeting's lede; a sentence deep in
    // reports years apart, word for word, is somebody's words.
    // A heading over the lede leaves it the report's first paragraph.
    let headed_bodies: Vec<String> = bodies
        .iter()
        .map(|body| format!("## 消息\n\n{body}"))
        .collect();
    let one_meeting = ["2019-03-05", "2019-03-06", "2019-03-07"];
    let years_apart = ["2015-03-05", "2019-03-06", "2019-03-07"];
    for (kind, dates, place, expect_found) in [
        ("news", one_meeting, "lede", false),
        ("news", one_meeting, "deep", false),
        ("news", ["2019-03", "2019", "2019-03-07"], "deep", false),
        ("news", years_apart, "lede", false),
        ("news", years_apart, "headed", false),
        ("news", years_apart, "deep", true),
        ("article", one_meeting, "lede", true),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let mut ps = pieces_of(kind);
        let bodies = match place {
            "deep" => &deep_bodies[..],
            "headed" => &headed_bodies[..],
            _ => &bodies[..],
        };
        for ((p, body), date) in ps.iter_mut().zip(bodies).zip(dates) {
            p.body = body;
            p.date = date;
        }
        let e = edition(tmp.path(), &ps);
        let found = found(&e);
        let all = describe(&e, &found);
        let lede_found = found.iter().any(|q| q.text().contains("出席会议并讲话"));
        assert_eq!(
            lede_found, expect_found,
            "kind {kind}, {dates:?}, {place}: {all:#?}"
        );
    }
}

/// A formula found in the shape of a list in two pieces is found too where
/// its edges run into the words around it (就是……这二条), in every
/// paragraph that holds it.
#[test]
fn a_formula_is_found_where_no_list_shape_marks_it() {
    let tmp = tempfile::tempdir().unwrap();
    let e = edition(
        tmp.path(),
        &[
            Piece {
                slug: "talk",
                kind: "speech",
                date: "2010",
                body: "办公室的工作要求，我概括为六个字：“谋在细”“冲在先”。大家要记住。\n\n\
                       这些年，我们就是靠着谋在细、冲在先这二条走过来的。",
            },
            Piece {
                slug: "essay",
                kind: "article",
                date: "2012",
                body: "多年来，全厅上下坚持谋在细、冲在先，各项工作走在了前列。",
            },
            Piece {
                slug: "memoir",
                kind: "article",
                date: "2014",
                body: "回顾这些年的经验，概括起来就是谋在细、冲在先这二条，缺一不可。",
            },
        ],
    );
    let found = found(&e);
    let all = describe(&e, &found);
    let formula = found
        .iter()
        .find(|q| q.kind == Kind::Formula && q.text().contains("冲在先"))
        .unwrap_or_else(|| panic!("no formula: {all:#?}"));
    assert_eq!(pieces(&e, formula), ["talk", "essay", "memoir"], "{all:#?}");
    // Each paragraph where the wording stands is a place, once: the
    // talk's second paragraph as well as its first.
    let paragraphs: Vec<(usize, usize)> = (formula.occurrences.iter())
        .map(|o| (o.chapter, o.unit))
        .collect();
    assert_eq!(paragraphs, [(0, 0), (0, 1), (1, 0), (2, 0)], "{all:#?}");
    for o in &formula.occurrences {
        assert!(
            o.text.starts_with("谋在细") && o.text.ends_with("冲在先"),
            "{:?} is not the formula's wording",
            o.text
        );
    }
}

/// A list is a formula by its shape: three members or more, however short;
/// a pair only of longer members, or in quotation marks; and not a pair
/// whose first member runs into a verb (要当好……) in every place, where its
/// edge is a guess.
#[test]
fn a_pair_is_a_formula_only_of_longer_members_and_with_an_edge_somewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let bodies = [
        "改革、发展，是这些年的两件大事。实干为上、创新为先，是我们的传统。\n\n\
         大家要当好前哨、后院。干部要做到清、慎、勤。\n\n抓落实、促发展，是头等大事。",
        "改革、发展，摆在全省面前。实干为上、创新为先，这一条不能丢。\n\n\
         各单位要当好前哨、后院。为官要做到清、慎、勤。\n\n抓落实、促发展，人人有责。",
    ];
    let pieces: Vec<Piece> = (bodies.iter().enumerate())
        .map(|(n, body)| Piece {
            slug: ["first", "second"][n],
            kind: "speech",
            date: ["2010", "2012"][n],
            body,
        })
        .collect();
    let e = edition(tmp.path(), &pieces);
    let found = found(&e);
    let all = describe(&e, &found);
    let mut formulas: Vec<&str> = (found.iter())
        .filter(|q| q.kind == Kind::Formula)
        .map(|q| q.text())
        .collect();
    formulas.sort();
    // (A pair of six words, 抓落实、促发展, is long enough.)
    assert_eq!(
        formulas,
        ["实干为上、创新为先", "抓落实、促发展", "清、慎、勤"],
        "{all:#?}"
    );
    // A formula that is a whole clause somewhere is bounded; one inside
    // a clause (要做到……) everywhere is not.
    let bounded = |text: &str| {
        (found.iter())
            .find(|q| q.text() == text)
            .map(|q| q.evidence.bounded)
    };
    assert_eq!(bounded("实干为上、创新为先"), Some(true));
    assert_eq!(bounded("清、慎、勤"), Some(false));
}

/// No place of a quotation holds a phrase of the editor's stop list,
/// however long the quoted words on either side of it.
#[test]
fn no_quotation_holds_a_stop_list_phrase() {
    const LEFT: &str = "档案工作看似平凡琐碎其实";
    const RIGHT: &str = "每一份文件都承载着历史的记忆";
    const STOP: &str = "实则关系全局";
    let bodies: Vec<String> = [
        "会上他说：“{LEFT}{STOP}{RIGHT}。”大家深受启发。",
        "文章引用了这句话：“{LEFT}{STOP}{RIGHT}。”",
        "档案馆今年新建了两座库房，添置了恒温恒湿设备。",
    ]
    .iter()
    .map(|b| {
        b.replace("{LEFT}", LEFT)
            .replace("{STOP}", STOP)
            .replace("{RIGHT}", RIGHT)
    })
    .collect();
    let tmp = tempfile::tempdir().unwrap();
    let edition = edition_of(tmp.path(), "speech", "2020-01-01", &bodies);
    let mut options = QuotationOptions::for_edition(&edition.config);
    let holding = |found: &[Quotation]| {
        (found.iter())
            .filter(|q| q.occurrences.iter().any(|o| o.text.contains(STOP)))
            .count()
    };
    // Without the stop list, the passage is found, the phrase in it.
    assert_eq!(holding(&detect(&edition, &options)), 1);
    options.stop_list = vec![STOP.to_owned()];
    let found = detect(&edition, &options);
    assert_eq!(holding(&found), 0, "{:#?}", describe(&edition, &found));
}

/// A stop-list phrase cuts a passage: the editor's stock words go, the
/// sentence quoted after them still stands as a quotation of its own (the
/// phrase's tokens are masked before alignment, not the whole passage
/// refused).
#[test]
fn a_stop_list_phrase_cuts_a_passage_and_the_rest_stands() {
    const STOP: &str = "实则关系全局";
    const REST: &str =
        "每一份文件都承载着历史的记忆，每一卷档案都连着群众的冷暖，每一次查阅都是对责任的检验";
    let bodies: Vec<String> = [
        "会上他说：“{STOP}，{REST}。”大家深受启发。",
        "文章引用了这句话：“{STOP}，{REST}。”",
        "档案馆今年新建了两座库房，添置了恒温恒湿设备。",
    ]
    .iter()
    .map(|b| b.replace("{STOP}", STOP).replace("{REST}", REST))
    .collect();
    let tmp = tempfile::tempdir().unwrap();
    let edition = edition_of(tmp.path(), "speech", "2020-01-01", &bodies);
    let mut options = QuotationOptions::for_edition(&edition.config);
    options.stop_list = vec![STOP.to_owned()];
    let found = detect(&edition, &options);
    let texts: Vec<&str> = found.iter().map(|q| q.text()).collect();
    assert!(
        texts.iter().any(|t| t.contains(REST) && !t.contains(STOP)),
        "{:#?}",
        describe(&edition, &found)
    );
}

/// A list that nobody quotes, after the same five words or more in every
/// place, is the end of a set phrase of the genre (树立正确的……): neither a
/// formula nor, as a whole clause, a quotation, even where a news item
/// reports it (会议指出). Quoted, it is a formula; after other words in
/// some place, a formula too; and after four shared words (让古籍……),
/// still one.
#[test]
fn a_list_after_the_same_words_everywhere_is_a_set_phrase_unless_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    // Each piece's paragraphs.
    let pieces = [
        [
            "今年全厅各项工作稳步推进。要树立正确的世界观、人生观、价值观。",
            "各处室要不断增强人民群众的获得感、幸福感、安全感。",
            "我们常说“识大体、顾大局、守纪律”，要落到实处。",
            "干部要净化社交圈、生活圈、朋友圈。",
            "要让古籍藏得住、修得好、用得活。",
        ],
        [
            "会议指出，要树立正确的世界观、人生观、价值观，加强学习。",
            "全体干部表示，不断增强人民群众的获得感、幸福感、安全感。",
            "老同志常讲“识大体、顾大局、守纪律”，这是传统。",
            "自觉管好社交圈、生活圈、朋友圈，是纪律的要求。",
            "全省上下努力让古籍藏得住、修得好、用得活，成效明显。",
        ],
        [
            "新入职的同志，首先要树立正确的世界观、人生观、价值观。",
            "这些年来，我们不断增强人民群众的获得感、幸福感、安全感。",
            "“识大体、顾大局、守纪律”，是他常说的话。",
            "领导干部要管住社交圈、生活圈、朋友圈。",
            "三年来，图书馆让古籍藏得住、修得好、用得活。",
        ],
    ];
    let bodies = pieces.map(|paragraphs| paragraphs.join("\n\n"));
    // Five more pieces of other words, so that three are not most.
    let others = [
        "档案馆今年新建了两座库房，添置了恒温恒湿设备。\n\n全年接待查阅四千余人次。",
        "方志办完成了县志续修的初稿，共一百二十万字。\n\n评审会将于明年春天召开。",
        "少年宫的书法班招收了六十名学员，聘请了三位老师。\n\n结业时举办了作品展。",
        "新馆的阅览室每天开放十二小时，周末不闭馆。\n\n读者可以在网上预约座位。",
        "修复中心去年修复破损古籍三百余册，培训学员二十人。\n\n今年计划再修五百册。",
    ];
    let bodies: Vec<String> = (bodies.iter().map(String::as_str))
        .chain(others)
        .map(str::to_owned)
        .collect();
    let e = edition_of(tmp.path(), "speech", "2020-01-01", &bodies);
    let found = found(&e);
    let all = describe(&e, &found);
    let mut linked: Vec<(Kind, &str)> = found.iter().map(|q| (q.kind, q.text())).collect();
    linked.sort();
    assert_eq!(
        linked,
        [
            (Kind::Formula, "社交圈、生活圈、朋友圈"),
            (Kind::Formula, "藏得住、修得好、用得活"),
            (Kind::Formula, "识大体、顾大局、守纪律"),
        ],
        "{all:#?}"
    );
}

/// A witness that quotes a passage with its words in another order, in
/// quotation marks, is one more place of it, marked over its own words.
/// (Each quotation is longer than the shortest passage, 8 words.)
#[test]
fn a_quotation_with_its_words_reordered_is_one_more_place() {
    let dir = tempfile::tempdir().unwrap();
    let edition = edition_in(
        dir.path(),
        "en",
        &[
            Piece {
                slug: "speech",
                kind: "speech",
                date: "1849-01-26",
                body: "He closed with the motto he had made his own: \"That government is best which governs not at all.\" The hall rose to its feet.",
            },
            Piece {
                slug: "essay",
                kind: "essay",
                date: "1849-05-14",
                body: "The essay opens on a motto. \"That government is best which governs not at all,\" it says, and argues the rest from it.",
            },
            Piece {
                slug: "review",
                kind: "article",
                date: "1860-03-02",
                body: "A later reviewer turned it about: \"The best government is that which governs not at all,\" he wrote, and left it there.",
            },
        ],
    );
    let found = found(&edition);
    let motto = found
        .iter()
        .find(|q| q.text().contains("governs not at all"))
        .unwrap_or_else(|| panic!("{:#?}", describe(&edition, &found)));
    assert_eq!(pieces(&edition, motto), ["speech", "essay", "review"]);
    let review = motto.occurrences.iter().find(|o| o.chapter == 2).unwrap();
    assert_eq!(
        review.text,
        "The best government is that which governs not at all"
    );
    assert!(review.quoted);
    assert_eq!(motto.occurrences[motto.origin].chapter, 0);
}

/// A saying in more pieces than a saying may be (twelve, in an edition of
/// fewer than 2,400 pieces; a two-hundredth of a larger one) is the
/// genre's stock, though quoted: no cluster. (A longer passage is stock
/// in more than twelve places already by its n-grams.)
#[test]
fn a_saying_in_more_than_twelve_pieces_is_the_genres_stock() {
    const SAYING: &str = "宁可多熬几个夜";
    const NUMBERS: [&str; 14] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    ];
    let bodies = |quoting: usize| -> Vec<String> {
        (0..14)
            .map(|n| {
                let own = format!("这是第{}篇。", NUMBERS[n]);
                if n < quoting {
                    format!("{own}他说：“{SAYING}”")
                } else {
                    own
                }
            })
            .collect()
    };
    for (quoting, expected) in [(12, 1), (13, 0)] {
        let tmp = tempfile::tempdir().unwrap();
        let bodies = bodies(quoting);
        let edition = edition_of(tmp.path(), "speech", "2019-01-01", &bodies);
        let found = found(&edition);
        let clusters: Vec<&Quotation> =
            found.iter().filter(|q| q.text().contains(SAYING)).collect();
        assert_eq!(
            clusters.len(),
            expected,
            "quoted in {quoting} of 14: {:?}",
            describe(&edition, &found)
        );
        if let Some(q) = clusters.first() {
            assert_eq!(pieces(&edition, q).len(), 12);
        }
    }
}

/// Words that nobody quotes or reports, standing in most of the edition's
/// pieces (half and one more, and at least four), are its own refrain, not
/// somebody's words being repeated; reported, they are somebody's.
#[test]
fn a_refrain_in_most_pieces_is_the_editions_own_unless_reported() {
    const REFRAIN: &str =
        "坚持以人民为中心的发展思想，推动档案事业高质量发展，为建设文化强省贡献力量。";
    const OWN: [&str; 8] = [
        "春季开展了馆藏清点，核对了三千卷旧档。",
        "新修的库房通过验收，恒温设备运转良好。",
        "县里举办了口述历史讲座，听众坐满礼堂。",
        "乡镇档案员参加培训，学习数字化扫描技术。",
        "一批民国契约文书经过修复重新入藏。",
        "老同志捐赠的日记手稿已经编目上架。",
        "网上查档平台开通以来访问量稳步增长。",
        "学校师生走进展厅观看侨批专题展览。",
    ];
    for (holding, reported, expect_found) in [(4, false, true), (5, false, false), (5, true, true)]
    {
        let bodies: Vec<String> = (0..8)
            .map(|n| match (n < holding, reported) {
                (false, _) => OWN[n].to_owned(),
                (true, false) => format!("{}{REFRAIN}", OWN[n]),
                (true, true) => format!("{}会议指出，{REFRAIN}", OWN[n]),
            })
            .collect();
        let tmp = tempfile::tempdir().unwrap();
        let edition = edition_of(tmp.path(), "article", "2020-01-01", &bodies);
        let found = found(&edition);
        let refrain = found
            .iter()
            .find(|q| q.text().contains("档案事业高质量发展"));
        assert_eq!(
            refrain.is_some(),
            expect_found,
            "in {holding} of 8, reported: {reported}: {:?}",
            describe(&edition, &found)
        );
        if let Some(q) = refrain {
            assert_eq!(pieces(&edition, q).len(), holding);
        }
    }
}

/// A quotation that opens with a frame of the genre (既要……，又要……) is
/// quoted in three pieces; elsewhere the frame stands filled the same way
/// by chance, once running on into the quotation's next words (把为人民谋
/// 幸福……). The places that share only the frame, or the frame and a word
/// or two, are chance recurrences: the cluster is the three quoted places,
/// and its origin one of them.
#[test]
fn places_that_share_only_a_frame_with_a_quotation_are_no_witnesses() {
    const FILLERS: [&str; 12] = [
        "推进体制机制创新",
        "加强作风建设",
        "提高服务水平",
        "完善工作制度",
        "强化责任担当",
        "深化改革开放",
        "做好群众工作",
        "落实主体责任",
        "增强创新能力",
        "改进工作方法",
        "健全监督体系",
        "优化营商环境",
    ];
    const FRAMES: [(&str, &str, &str); 4] = [
        ("既要", "，又要", "。"),
        ("不仅要", "，而且要", "。"),
        ("只有", "，才能", "。"),
        ("坚持", "，推动", "。"),
    ];
    const PASSAGE: &str =
        "既要推进体制机制创新，又要加强作风建设，把为人民服务的宗旨落实到每一件小事上";
    let mut seed = 5u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let bodies: Vec<String> = (0..40)
        .map(|n| {
            let mut body = String::new();
            for _ in 0..12 {
                let (open, middle, close) = FRAMES[next(FRAMES.len())];
                let a = next(FILLERS.len());
                let b = (a + 1 + next(FILLERS.len() - 1)) % FILLERS.len();
                body.push_str(&format!(
                    "{open}{}{middle}{}{close}",
                    FILLERS[a], FILLERS[b]
                ));
            }
            if [3, 17, 29].contains(&n) {
                body.push_str(&format!("他说：“{PASSAGE}。”"));
            }
            if n == 11 {
                body.push_str("既要推进体制机制创新，又要加强作风建设，把为人民谋幸福作为根本。");
            }
            body
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let edition = edition_of(tmp.path(), "article", "2020-01-01", &bodies);
    let found = found(&edition);
    let quotation = found
        .iter()
        .find(|q| q.occurrences.iter().any(|o| o.text.contains("宗旨落实")))
        .unwrap_or_else(|| panic!("not found: {:?}", describe(&edition, &found)));
    assert_eq!(
        pieces(&edition, quotation),
        ["p3", "p17", "p29"],
        "{:?}",
        quotation.occurrences
    );
    assert!(quotation.occurrences[quotation.origin].quoted);
}

/// A news item that quotes a speech's sentence retells, beside it, more
/// of the speech in the speech's words, bare: those words join the speech
/// as a passage of their own. Words retold beside it that are mostly the
/// genre's (功在当代、利在千秋, in pieces that quote nothing) are not the
/// speech's, and a clause repeated far from any quotation is not linked.
#[test]
fn words_retold_beside_a_quotation_are_linked_when_they_are_the_pieces_own() {
    let tmp = tempfile::tempdir().unwrap();
    let edition = edition(
        tmp.path(),
        &[
            Piece {
                slug: "speech",
                kind: "speech",
                date: "2016-03-18",
                body: "保护古籍，就是守护一个民族的记忆，这一点我们每个人都要牢记在心。这是一项功在当代、利在千秋的事业。\n\n\
                       全省仍有大量古籍躺在县级馆和乡镇文化站的柜子里，亟待抢救。\n\n\
                       各馆要把书库的温度湿度管起来。\n\n\
                       修复人才青黄不接，十年之后谁来接班，值得我们每个人深思。",
            },
            Piece {
                slug: "news",
                kind: "news",
                date: "2021-11-26",
                body: "会议重温了讲话中的要求：“保护古籍，就是守护一个民族的记忆，这一点我们每个人都要牢记在心。”各地要看到，这是一项功在当代、利在千秋的事业。\n\n\
                       据统计，仍有一部分古籍躺在县级馆和乡镇文化站的柜子里，保存条件亟待改善。\n\n\
                       会议还听取了各地的汇报。\n\n\
                       会议要求抓紧培养人才。\n\n\
                       据了解，修复人才青黄不接，十年之后谁来接班，各馆都在发愁。",
            },
            Piece {
                slug: "article",
                kind: "article",
                date: "2019-05-01",
                body: "图书馆建设功在当代、利在千秋。",
            },
            Piece {
                slug: "essay",
                kind: "article",
                date: "2020-05-01",
                body: "文物保护功在当代、利在千秋，不可懈怠。",
            },
        ],
    );
    let found = found(&edition);
    let described = describe(&edition, &found);
    let with = |words: &str| found.iter().filter(|q| q.text().contains(words)).count();
    let lying = (found.iter())
        .find(|q| q.text().contains("躺在县级馆和乡镇文化站的柜子里"))
        .unwrap_or_else(|| panic!("the clause retold beside the quotation: {described:#?}"));
    assert_eq!(pieces(&edition, lying), ["speech", "news"]);
    assert!(lying.evidence.beside_quotation && !lying.evidence.quoted);
    assert_eq!(with("功在当代"), 0, "{described:#?}");
    assert_eq!(with("青黄不接"), 0, "{described:#?}");
}
