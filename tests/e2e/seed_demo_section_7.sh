#!/usr/bin/env bash
# Seed 004 section 7, steps 1 to 5, as written there (only the host is a parameter).
# Then waits for the commands, prints their final statuses one per line, and runs step 5
# again once the index has caught up. Then section 7.1, the what-if on a branch, as
# written, with <expected_seq> taken from step 2's answer as the seed says.
set -euo pipefail
BASE=${BASE:-http://localhost:8002}
DB=demo_db_$(date +%s)

# 1) DB 생성 (BFF -> OMS; async 202)
DB_CMD=$(curl -fsS -X POST "${BASE}/api/v1/databases" \
  -H 'Content-Type: application/json' \
  -d "{\"name\":\"${DB}\",\"description\":\"demo\"}" | jq -r '.data.command_id')

curl -fsS "${BASE}/api/v1/commands/${DB_CMD}/status" | jq .

# 2) 온톨로지 생성 (BFF -> OMS; async 202)
CUST_ONTO_CMD=$(curl -fsS -X POST "${BASE}/api/v1/database/${DB}/ontology" \
  -H 'Content-Type: application/json' \
  -d '{
    "id":"Customer",
    "label":"Customer",
    "properties":[
      {"name":"customer_id","type":"string","required":true},
      {"name":"name","type":"string","required":true}
    ],
    "relationships":[]
  }' | jq -r '.data.command_id')

PROD_ONTO_CMD=$(curl -fsS -X POST "${BASE}/api/v1/database/${DB}/ontology" \
  -H 'Content-Type: application/json' \
  -d '{
    "id":"Product",
    "label":"Product",
    "properties":[
      {"name":"product_id","type":"string","required":true},
      {"name":"name","type":"string","required":true}
    ],
    "relationships":[
      {"predicate":"owned_by","target":"Customer","label":"Owned By","cardinality":"n:1"}
    ]
  }' | jq -r '.data.command_id')

curl -fsS "${BASE}/api/v1/commands/${CUST_ONTO_CMD}/status" | jq .
curl -fsS "${BASE}/api/v1/commands/${PROD_ONTO_CMD}/status" | jq .

# 3) 인스턴스 생성 (BFF label API; async 202) + command_id 캡처
CUST_CMD=$(curl -fsS -X POST "${BASE}/api/v1/database/${DB}/instances/Customer/create" \
  -H 'Content-Type: application/json' \
  -d '{"data":{"customer_id":"cust_001","name":"Alice"}}' | jq -r '.command_id')

PROD_CMD=$(curl -fsS -X POST "${BASE}/api/v1/database/${DB}/instances/Product/create" \
  -H 'Content-Type: application/json' \
  -d '{"data":{"product_id":"prod_001","name":"Shirt","owned_by":"Customer/cust_001"}}' | jq -r '.command_id')

# 4) 비동기 처리 상태 관측 (BFF command status proxy)
curl -fsS "${BASE}/api/v1/commands/${CUST_CMD}/status" | jq .
curl -fsS "${BASE}/api/v1/commands/${PROD_CMD}/status" | jq .

# 5) 멀티홉 쿼리 (BFF federation)
curl -fsS -X POST "${BASE}/api/v1/graph-query/${DB}" \
  -H 'Content-Type: application/json' \
  -d '{
    "start_class":"Product",
    "hops":[{"predicate":"owned_by","target_class":"Customer"}],
    "filters":{"product_id":"prod_001"},
    "limit":10,
    "offset":0,
    "max_nodes":200,
    "max_edges":500,
    "no_cycles":true,
    "include_documents":true
  }' | jq .

for CMD in "$DB_CMD" "$CUST_ONTO_CMD" "$PROD_ONTO_CMD" "$CUST_CMD" "$PROD_CMD"; do
  curl -fsS "${BASE}/api/v1/ontology/${DB}/sync/command/${CMD}/wait?timeout=10" >/dev/null
  echo "FINAL $(curl -fsS "${BASE}/api/v1/commands/${CMD}/status" | jq -r '.status')"
done
echo "DOC $(curl -fsS "${BASE}/api/v1/database/${DB}/instances/Product/prod_001" | jq -c '.data.data')"

# Step 5 once more, after the commands have completed and the index has caught up.
HEAD=$(curl -fsS "${BASE}/health" | jq -r '.data.log_position')
echo "GRAPH $(curl -fsS -X POST "${BASE}/api/v1/graph-query/${DB}?min_position=${HEAD}" \
  -H 'Content-Type: application/json' \
  -d '{"start_class":"Product","hops":[{"predicate":"owned_by","target_class":"Customer"}],
       "filters":{"product_id":"prod_001"},"include_documents":true}' | jq -c '{nodes, edges}')"

# 7.1) 브랜치 기반 what-if (데이터 복사 없음)
# 1) main에서 브랜치 생성
curl -fsS -X POST "${BASE}/api/v1/databases/${DB}/branches" \
  -H 'Content-Type: application/json' \
  -d '{"name":"feature/whatif","from_branch":"main"}'
echo

# 2) 브랜치에서 federated 조회
BRANCH_GRAPH=$(curl -fsS -X POST "${BASE}/api/v1/graph-query/${DB}?branch=feature/whatif" \
  -H 'Content-Type: application/json' \
  -d '{"start_class":"Product","hops":[],"filters":{"product_id":"prod_001"},"include_documents":true}')
echo "${BRANCH_GRAPH}" | jq .
EXPECTED_SEQ=$(echo "${BRANCH_GRAPH}" | jq -r '.nodes[0].index_status.event_sequence')

# 3) 브랜치에서 업데이트(OCC): expected_seq는 nodes[].index_status.event_sequence에서 가져옵니다
WHATIF_CMD=$(curl -fsS -X PUT "${BASE}/api/v1/database/${DB}/instances/Product/prod_001/update?branch=feature/whatif&expected_seq=${EXPECTED_SEQ}" \
  -H 'Content-Type: application/json' \
  -d '{"data":{"name":"Shirt (WhatIf)"}}' | jq -r '.command_id')

curl -fsS "${BASE}/api/v1/ontology/${DB}/sync/command/${WHATIF_CMD}/wait?timeout=10" >/dev/null
echo "WHATIF $(curl -fsS "${BASE}/api/v1/commands/${WHATIF_CMD}/status" | jq -r '.status')"
echo "BRANCH_DOC $(curl -fsS "${BASE}/api/v1/database/${DB}/instances/Product/prod_001?branch=feature/whatif" | jq -c '.data.data.name')"
echo "MAIN_DOC $(curl -fsS "${BASE}/api/v1/database/${DB}/instances/Product/prod_001" | jq -c '.data.data.name')"
