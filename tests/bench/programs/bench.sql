-- bench.sql - an SQLite session for tests/bench/compare.py (the sqlite3
-- shell, in memory): inserts through a recursive CTE, an index, joins,
-- GROUP BY, ORDER BY, string functions and a window function. The harness
-- puts "CREATE TABLE units(n); INSERT INTO units VALUES (UNITS);" in front
-- (time is about linear in UNITS). Every query prints a few values that
-- depend on all the rows: the output is compared with the native build's.
CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, price REAL);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 1250 * (SELECT n FROM units))
INSERT INTO item SELECT i, (i * 7919) % 97, printf('item-%06d-%s', (i * 31337) % 1000003, hex(i)), ((i * 2654435761) % 100000) / 100.0 FROM r;
CREATE TABLE sale(item INTEGER, qty INTEGER, day INTEGER);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2500 * (SELECT n FROM units))
INSERT INTO sale SELECT 1 + (i * 48271) % (SELECT count(*) FROM item), 1 + i % 9, i % 365 FROM r;
CREATE INDEX sale_item ON sale(item);
CREATE INDEX item_name ON item(name);
SELECT count(*), sum(qty), min(day), max(day) FROM sale;
SELECT grp, count(*), printf('%.2f', sum(price)) FROM item GROUP BY grp ORDER BY sum(price) DESC LIMIT 3;
SELECT i.grp, sum(s.qty * i.price) AS revenue FROM sale s JOIN item i ON i.id = s.item
	GROUP BY i.grp ORDER BY revenue DESC LIMIT 3;
SELECT count(*) FROM item WHERE name LIKE 'item-00%' OR name GLOB '*-1?A';
SELECT name FROM item ORDER BY substr(name, 13), id LIMIT 2;
SELECT day, total, rank FROM (
	SELECT day, sum(qty) AS total, rank() OVER (ORDER BY sum(qty) DESC, day) AS rank FROM sale GROUP BY day)
	WHERE rank <= 3;
SELECT count(DISTINCT item), length(group_concat(item)) FROM sale WHERE day % 10 = 0;
UPDATE item SET price = price * 1.1 WHERE grp % 3 = 0;
DELETE FROM sale WHERE qty = 9;
SELECT count(*), printf('%.2f', (SELECT sum(price) FROM item)) FROM sale;
