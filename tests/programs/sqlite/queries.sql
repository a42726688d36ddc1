-- SQLite's shell on a file database: schema, data, joins, aggregates,
-- window functions, recursive CTEs, JSON, dates, printf, triggers.
.headers on
.mode list
create table city(id integer primary key, name text not null, country text, pop integer, area real);
create table reading(city integer references city(id), day text, temp real, rain real);
create index reading_city on reading(city, day);
insert into city(name, country, pop, area) values
  ('Lisbon', 'PT', 545000, 100.05), ('Porto', 'PT', 232000, 41.42),
  ('Madrid', 'ES', 3305000, 604.3), ('Sevilla', 'ES', 684000, 140.8),
  ('Bern', 'CH', 134000, 51.62), ('Zurich', 'CH', 421000, 87.88),
  ('Oslo', 'NO', 697000, 454.0);
with recursive d(n) as (select 0 union all select n + 1 from d where n < 59)
insert into reading
  select c.id, date('2026-01-01', '+' || d.n || ' days'),
         round(10 + (c.id * 7 + d.n * 13) % 23 - c.area / 100.0, 2),
         ((c.id * 31 + d.n * 17) % 11) / 2.0
  from city c, d;
select count(*) as readings, count(distinct city) as cities, min(day), max(day) from reading;
select country, count(*) as n, sum(pop) as pop, printf('%.2f', sum(pop) / sum(area)) as density
  from city group by country order by pop desc;
select c.name, round(avg(r.temp), 3) as avg_temp, max(r.rain) as max_rain, total(r.rain) as rain
  from city c join reading r on r.city = c.id group by c.id order by avg_temp desc, c.name;
.mode column
select name, pop, rank() over (partition by country order by pop desc) as rank_in_country,
       sum(pop) over (order by pop rows between 1 preceding and 1 following) as window_sum
  from city order by name;
.mode csv
select day, temp, avg(temp) over (order by day rows 6 preceding) as week_avg
  from reading where city = 3 and day < '2026-01-15' order by day;
.mode list
select json_object('city', name, 'tags', json_array(country, pop > 500000, area)) from city where id < 4;
select json_extract('{"a":[1,2,{"b":"deep"}],"n":1.5e3}', '$.a[2].b', '$.n');
select key, value from json_each('[10, "x", null, 2.5]');
select strftime('%Y-%m-%d %H:%M:%S %j %w', '2026-12-01 10:30:15'), julianday('2000-01-01'), date('2026-02-28', '+1 day', 'weekday 0');
select printf('%5d|%-8s|%08.3f|%e|%x|%q|%c', 42, 'left', 3.14159, 12345.678, 255, 'it''s', 'z');
select 1e308 * 10, -1e308 * 10, 0.1 + 0.2, 1 / 3.0, 7 / 2, 7 % 3, -7 / 2, 2 << 62, cast('12abc' as integer), typeof(1.0), typeof(x'00');
select upper('straße'), lower('ÀB'), length('naïve'), hex('é'), substr('abcdef', -3, 2), replace('aaa', 'a', 'bb'), trim('  x  '), instr('hello', 'll');
create table log(msg text);
create trigger city_pop after update of pop on city begin
  insert into log values (old.name || ': ' || old.pop || ' -> ' || new.pop);
end;
update city set pop = pop + 1000 where country = 'CH';
select * from log order by msg;
insert into city(id, name, country, pop) values (5, 'Bern', 'CH', 1) on conflict(id) do update set pop = excluded.pop + city.pop;
select name, pop from city where id = 5;
with recursive fib(a, b, n) as (select 0, 1, 0 union all select b, a + b, n + 1 from fib where n < 80)
  select n, a from fib where n % 20 = 0;
select group_concat(name, ',') from (select name from city order by name desc);
delete from reading where temp < 0;
select changes(), total_changes() > 0;
pragma integrity_check;
vacuum;
select count(*) from reading;
