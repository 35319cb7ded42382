import Database from 'better-sqlite3';
import fs from 'node:fs';
const db = new Database('/tmp/bigdb/helpaged.sqlite');
const now = Number(fs.readFileSync('/tmp/bigdb/now', 'utf8'));
const from = now - 30 * 86400000, to = now + 1;
const time = (name: string, sql: string) => { const t = performance.now(); const r = db.prepare(sql).all(); console.log(name, (performance.now() - t).toFixed(1), 'ms', r.length); return r; };
const q = `with f as materialized (
  select n.device_id dev, coalesce(d.model,'') model, cast((n.created_at + 28800000) / 86400000 as integer) day, n.verdict v,
    case when n.ack_at is null then null else (n.ack_at - n.created_at) / 1000 end s
  from notices n join devices d on d.id = n.device_id where n.created_at >= ${from} and n.created_at < ${to}),
 top as (select dev from f group by dev order by count(*) desc, dev limit 1000),
 h as (
  select 'all' grp, '' k, s, count(*) c, sum(case when v='fall' then 1 else 0 end) r, sum(case when v='false_alarm' then 1 else 0 end) fa from f group by s
  union all select 'day', cast(day as text), s, count(*), sum(case when v='fall' then 1 else 0 end), sum(case when v='false_alarm' then 1 else 0 end) from f group by day, s
  union all select 'model', model, s, count(*), sum(case when v='fall' then 1 else 0 end), sum(case when v='false_alarm' then 1 else 0 end) from f group by model, s
  union all select 'camera', cast(dev as text), s, count(*), sum(case when v='fall' then 1 else 0 end), sum(case when v='false_alarm' then 1 else 0 end) from f where dev in (select dev from top) group by dev, s),
 run as (select h.*, sum(case when s is null then 0 else c end) over (partition by grp, k order by s rows unbounded preceding) cum,
   sum(case when s is null then 0 else c end) over (partition by grp, k) acked from h)
 select grp, k, sum(c) falls, sum(r) real, sum(fa) fa, max(acked) acked,
   min(case when s is not null and cum * 2 >= acked then s end) p50, min(case when s is not null and cum * 10 >= acked * 9 then s end) p90
 from run group by grp, k`;
for (let i = 0; i < 3; i++) time('combined', q);
db.exec('create index if not exists notices_report on notices (created_at, device_id, ack_at, verdict)');
for (let i = 0; i < 3; i++) time('combined+covering', q);
const r = time('x', q); console.log(r.filter((x: any) => x.grp !== 'camera'));
db.exec('drop index notices_report');
