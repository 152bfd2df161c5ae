"""Plan three patients built in code on the embedded European network, then write the plan."""

import sys
from datetime import UTC, datetime, timedelta

import logistics as lg

net = lg.read_network()  # the embedded European bundle (data/europe)
start = datetime(2026, 12, 7, tzinfo=UTC)
book = lg.OrderBook(
    orders=tuple(
        lg.Order(
            order_id=f"PSEUDO-{k}",
            therapy="cart-auto",
            treatment_centre=centre,
            apheresis_earliest=start + timedelta(days=k),
            apheresis_latest=start + timedelta(days=k + 7),
            priority=priority,
        )
        for k, (centre, priority) in enumerate(
            [("TC-GB-KINGS", 3), ("TC-DE-CHARITE", 5), ("TC-ES-CLINIC", 2)]
        )
    )
)
params = lg.SolveParams(time_limit_s=30, seed=0, workers=1)
nightly = lg.plan(net, book, params, samples=200)  # solve, Monte Carlo, Plan B, check

result = nightly.result
print(result)  # one line: status, engine, objective, bound, gap, served / unserved
print(result.summary())  # the table `logistics plan` prints
print(result.kpis.served, "served; median vein to vein", result.kpis.v2v_median_h, "h")
for order in result.unserved:  # each with the kind of constraint and a planner's reason
    print(order.order_id, order.kind, order.reason)
assert nightly.violations == (), nightly.violations  # the independent checker agrees

table = result.to_frame()  # pandas, the columns of orders.csv
print(table[["order_id", "status", "manufacturing_site", "v2v_h"]].to_string(index=False))

out_dir = sys.argv[1] if len(sys.argv) > 1 else "plans/library-example"
lg.write_plan(nightly, out_dir, net)
print("wrote", out_dir)
