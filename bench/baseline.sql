-- The benchmark's aggregates written as plain SQL (PostgreSQL): the baseline that
-- bench/compile.py runs against compile_snapshot on the same database in the same run.
-- Same definitions as apps/benchmarking/compile.py: verified organisations; each
-- adoption's status and percent as of the latest current entries dated up to the
-- period's last day; metrics and barriers from current entries dated in the period;
-- maturity from each organisation's latest assessment up to the period's last day.
-- Parameters: %(edition)s, %(start)s, %(end)s. Statements are separated by ";\n\n".
-- It reads the figures; it neither anonymises them nor writes cells (compile does both).

CREATE TEMP TABLE bench_orgs ON COMMIT DROP AS
SELECT o.id, g.slug AS grp, o.region, o.country, o.level
FROM organisations_organisation o
JOIN roadmap_stakeholdergroup g ON g.id = o.stakeholder_group_id
WHERE o.status = 'verified';

CREATE TEMP TABLE bench_state ON COMMIT DROP AS
SELECT a.organisation_id AS org, ac.code AS action, ig.code AS ig, eg.code AS eg,
       d.slug AS dim, s.status_to AS status, COALESCE(p.percent_complete, 0) AS percent,
       o.grp, o.region, o.country, o.level
FROM adoption_adoption a
JOIN bench_orgs o ON o.id = a.organisation_id
JOIN roadmap_action ac ON ac.id = a.action_id AND ac.edition_id = %(edition)s
JOIN roadmap_intermediategoal ig ON ig.id = ac.intermediate_goal_id
JOIN roadmap_endgoal eg ON eg.id = ig.end_goal_id
JOIN roadmap_dimension d ON d.id = ac.dimension_id
JOIN LATERAL (
    SELECT e.status_to FROM adoption_progressentry e
    WHERE e.adoption_id = a.id AND e.is_current AND e.entry_date <= %(end)s
      AND e.status_to <> ''
    ORDER BY e.entry_date DESC, e.created_at DESC, e.id DESC LIMIT 1
) s ON true
LEFT JOIN LATERAL (
    SELECT e.percent_complete FROM adoption_progressentry e
    WHERE e.adoption_id = a.id AND e.is_current AND e.entry_date <= %(end)s
      AND e.percent_complete IS NOT NULL
    ORDER BY e.entry_date DESC, e.created_at DESC, e.id DESC LIMIT 1
) p ON true
WHERE NOT a.action_removed;

-- temporary tables get no statistics by themselves: without them the joins below are planned
-- as nested loops
ANALYZE bench_orgs;

ANALYZE bench_state;

-- population: verified organisations per breakdown value
SELECT 'population', '', grp, region, country, level, COUNT(*)
FROM bench_orgs
GROUP BY GROUPING SETS ((), (grp), (region), (country), (level));

-- adoption: per action / intermediate goal / end goal / dimension × breakdown value. Each
-- organisation counts once per code and status (hash-aggregated first), then the counts.
WITH per_org AS (
    SELECT s.subject, s.code, org, grp, region, country, level,
           bool_or(status <> 'discontinued') AS adopting,
           bool_or(status = 'planned') AS planned,
           bool_or(status = 'in_progress') AS in_progress,
           bool_or(status = 'implemented') AS implemented,
           bool_or(status = 'embedded') AS embedded,
           bool_or(status = 'paused') AS paused,
           bool_or(status = 'discontinued') AS discontinued
    FROM bench_state,
         LATERAL (VALUES ('action', action), ('intermediate_goal', ig), ('end_goal', eg),
                         ('dimension', dim)) AS s(subject, code)
    GROUP BY s.subject, s.code, org, grp, region, country, level
)
SELECT subject, code, grp, region, country, level,
       COUNT(*) FILTER (WHERE adopting), COUNT(*) FILTER (WHERE planned),
       COUNT(*) FILTER (WHERE in_progress), COUNT(*) FILTER (WHERE implemented),
       COUNT(*) FILTER (WHERE embedded), COUNT(*) FILTER (WHERE paused),
       COUNT(*) FILTER (WHERE discontinued)
FROM per_org
GROUP BY GROUPING SETS ((subject, code), (subject, code, grp), (subject, code, region),
                        (subject, code, country), (subject, code, level));

-- adoption: the median percent complete of the adoptions, per code × breakdown value
SELECT subject || ':median', code, grp, region, country, level,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY percent)
FROM bench_state,
     LATERAL (VALUES ('action', action), ('intermediate_goal', ig), ('end_goal', eg),
                     ('dimension', dim)) AS s(subject, code)
GROUP BY GROUPING SETS ((subject, code), (subject, code, grp), (subject, code, region),
                        (subject, code, country), (subject, code, level));

-- coverage: quartiles of each organisation's adopted actions per end goal / dimension
WITH counts AS (
    SELECT org, s.subject, s.code, COUNT(*) AS n
    FROM bench_state, LATERAL (VALUES ('end_goal', eg), ('dimension', dim)) AS s(subject, code)
    WHERE status <> 'discontinued'
    GROUP BY 1, 2, 3
), codes AS (
    SELECT 'end_goal' AS subject, code FROM roadmap_endgoal WHERE edition_id = %(edition)s
    UNION ALL SELECT 'dimension', slug FROM roadmap_dimension
)
SELECT codes.subject, codes.code, o.grp, o.region, o.country, o.level,
       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY COALESCE(c.n, 0))
FROM bench_orgs o CROSS JOIN codes
LEFT JOIN counts c ON c.org = o.id AND c.subject = codes.subject AND c.code = codes.code
GROUP BY GROUPING SETS ((codes.subject, codes.code), (codes.subject, codes.code, o.grp),
                        (codes.subject, codes.code, o.region),
                        (codes.subject, codes.code, o.country),
                        (codes.subject, codes.code, o.level));

-- maturity: quartiles of the latest assessment's levels per end goal / dimension
WITH latest AS (
    SELECT DISTINCT ON (m.organisation_id) m.id, m.organisation_id
    FROM adoption_maturityassessment m
    WHERE m.assessed_on <= %(end)s
    ORDER BY m.organisation_id, m.assessed_on DESC, m.created_at DESC
), rated AS (
    SELECT CASE WHEN r.end_goal_id IS NULL THEN 'maturity_dimension' ELSE 'maturity_goal' END
               AS subject,
           COALESCE(eg.code, d.slug) AS code, r.level, o.grp, o.region, o.country, o.level AS lvl
    FROM latest
    JOIN bench_orgs o ON o.id = latest.organisation_id
    JOIN adoption_maturityrating r ON r.assessment_id = latest.id
    LEFT JOIN roadmap_endgoal eg ON eg.id = r.end_goal_id
    LEFT JOIN roadmap_dimension d ON d.id = r.dimension_id
)
SELECT subject, code, grp, region, country, lvl,
       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY level)
FROM rated
GROUP BY GROUPING SETS ((subject, code), (subject, code, grp), (subject, code, region),
                        (subject, code, country), (subject, code, lvl));

-- metrics: per metric, each organisation's total in the period; sum, count and median
WITH totals AS (
    SELECT a.organisation_id AS org, v.metric_id, SUM(v.value) AS total
    FROM adoption_metricvalue v
    JOIN adoption_progressentry e ON e.id = v.entry_id AND e.is_current
         AND e.entry_date BETWEEN %(start)s AND %(end)s
    JOIN adoption_adoption a ON a.id = e.adoption_id
    GROUP BY 1, 2
)
SELECT m.slug, '', o.grp, o.region, o.country, o.level, SUM(t.total), COUNT(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.total)
FROM totals t
JOIN bench_orgs o ON o.id = t.org
JOIN adoption_metric m ON m.id = t.metric_id
GROUP BY GROUPING SETS ((m.slug), (m.slug, o.grp), (m.slug, o.region), (m.slug, o.country),
                        (m.slug, o.level));

-- barriers: organisations reporting each category in the period
SELECT c.slug, '', o.grp, o.region, o.country, o.level, COUNT(DISTINCT a.organisation_id)
FROM adoption_barrierreport b
JOIN adoption_progressentry e ON e.id = b.entry_id AND e.is_current
     AND e.entry_date BETWEEN %(start)s AND %(end)s
JOIN adoption_adoption a ON a.id = e.adoption_id
JOIN bench_orgs o ON o.id = a.organisation_id
JOIN roadmap_barriercategory c ON c.id = b.category_id
GROUP BY GROUPING SETS ((c.slug), (c.slug, o.grp), (c.slug, o.region), (c.slug, o.country),
                        (c.slug, o.level))
