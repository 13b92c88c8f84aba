#!/usr/bin/env bash
# VisitLedger on Cloud Run with Firestore: every step of docs/deploy.md as gcloud commands.
#
#   deploy/cloud-run.sh --dry-run   prints every command, runs none (needs no gcloud, no login)
#   deploy/cloud-run.sh             runs them, stopping at the first that fails
#
# Settings come from the environment (defaults in brackets):
#   PROJECT_ID       the Google Cloud project (required)
#   REGION           [us-central1] Cloud Run, Artifact Registry and Firestore location
#   SERVICE          [visitledger]
#   DOMAIN           the custom domain agencies and Google reach it at, e.g. app.example.com (required)
#   OAUTH_CLIENT_ID  the add-on's OAuth client id (required; docs/deploy.md "The OAuth client")
#   CONTACT          who runs this deployment, named on /privacy and /terms (required)
#   BACKUP_BUCKET    [gs://$PROJECT_ID-visitledger-backups] where the scheduled exports go
#   IMAGE_TAG        [the git commit] the image's tag
# Re-running is safe: what exists already (APIs, database, account, secrets) is kept; the
# image is rebuilt and a new revision deployed. Field keys are made once, by
# `visitledger keys new`, and go straight into Secret Manager: they are never printed.
set -euo pipefail

DRY_RUN=0
if [[ "${1:-}" == "--dry-run" ]]; then DRY_RUN=1; shift; fi
if [[ $# -gt 0 ]]; then echo "usage: deploy/cloud-run.sh [--dry-run]" >&2; exit 2; fi

missing=()
for name in PROJECT_ID DOMAIN OAUTH_CLIENT_ID CONTACT; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "deploy/cloud-run.sh: set ${missing[*]} (see the top of this file)" >&2
  exit 2
fi

REGION="${REGION:-us-central1}"
SERVICE="${SERVICE:-visitledger}"
BACKUP_BUCKET="${BACKUP_BUCKET:-gs://${PROJECT_ID}-visitledger-backups}"
IMAGE_TAG="${IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || echo manual)}"
REPOSITORY="${SERVICE}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/${REPOSITORY}/${SERVICE}:${IMAGE_TAG}"
RUNTIME_SA="${SERVICE}-run@${PROJECT_ID}.iam.gserviceaccount.com"
# The three field-key settings, each a secret of its own, named as the setting in lower case.
KEY_SETTINGS=(VISITLEDGER_FIELD_KEYS VISITLEDGER_FIELD_KEY_CURRENT VISITLEDGER_INDEX_KEY)
secret_of() { echo "$1" | tr '[:upper:]_' '[:lower:]-'; }

# Prints the command, shell-quoted; runs it unless this is a dry run.
run() {
  printf '%q ' "$@" | sed 's/ $//'
  echo
  if [[ $DRY_RUN -eq 0 ]]; then "$@"; fi
}
# Runs the second command only when the first (a describe) fails: what exists is kept.
unless_exists() {
  local -a check=()
  while [[ "$1" != "--" ]]; do check+=("$1"); shift; done
  shift
  if [[ $DRY_RUN -eq 1 ]]; then
    echo "# unless: $(printf '%q ' "${check[@]}" | sed 's/ $//')"
    run "$@"
  elif ! "${check[@]}" >/dev/null 2>&1; then
    run "$@"
  fi
}
step() { echo; echo "## $*"; }

step "1. The project and its APIs"
run gcloud config set project "$PROJECT_ID"
run gcloud services enable run.googleapis.com firestore.googleapis.com secretmanager.googleapis.com \
  artifactregistry.googleapis.com cloudbuild.googleapis.com logging.googleapis.com cloudscheduler.googleapis.com

step "2. Firestore in Native mode, with point-in-time recovery, rules, indexes and the TTL policies"
unless_exists gcloud firestore databases describe --database='(default)' -- \
  gcloud firestore databases create --database='(default)' --location="$REGION" --type=firestore-native
run gcloud firestore databases update --database='(default)' --enable-pitr
# Rules and indexes: firebase.json names firestore.rules and firestore.indexes.json (gcloud deploys neither file).
run npx --yes firebase-tools@14 deploy --only firestore:rules,firestore:indexes --project "$PROJECT_ID" --non-interactive
# The token indexes of portal and therapist links go once their link has expired (firestore.indexes.json names both).
for tokens in portalTokens therapistTokens; do
  run gcloud firestore fields ttls update expireAt --collection-group="$tokens" --enable-ttl --database='(default)'
done

step "3. The service's own account: Firestore data, and its three key secrets, nothing else"
unless_exists gcloud iam service-accounts describe "$RUNTIME_SA" -- \
  gcloud iam service-accounts create "${SERVICE}-run" --display-name="VisitLedger on Cloud Run"
run gcloud projects add-iam-policy-binding "$PROJECT_ID" --member="serviceAccount:${RUNTIME_SA}" --role=roles/datastore.user --condition=None

step "4. Field keys: made by visitledger keys new, kept in Secret Manager, readable by the service's account only"
if [[ $DRY_RUN -eq 1 ]]; then
  echo "# unless the secrets exist: VISITLEDGER_ENV=development npm run --silent cli -- keys new, each line into its secret (never printed)"
fi
keys=""
for setting in "${KEY_SETTINGS[@]}"; do
  secret="$(secret_of "$setting")"
  if [[ $DRY_RUN -eq 1 ]]; then
    echo "# unless: gcloud secrets describe $secret"
    echo "gcloud secrets create $secret --replication-policy=automatic --data-file=-  # <- the $setting line of keys new"
  elif ! gcloud secrets describe "$secret" >/dev/null 2>&1; then
    [[ -n "$keys" ]] || keys="$(VISITLEDGER_ENV=development npm run --silent cli -- keys new 2>/dev/null)"
    echo "gcloud secrets create $secret --replication-policy=automatic --data-file=-  # <- the $setting line of keys new"
    printf '%s' "$(printf '%s\n' "$keys" | sed -n "s/^${setting}=//p")" | gcloud secrets create "$secret" --replication-policy=automatic --data-file=-
  fi
  run gcloud secrets add-iam-policy-binding "$secret" --member="serviceAccount:${RUNTIME_SA}" --role=roles/secretmanager.secretAccessor
done
unset keys

step "5. The image, built by Cloud Build from the Dockerfile"
unless_exists gcloud artifacts repositories describe "$REPOSITORY" --location="$REGION" -- \
  gcloud artifacts repositories create "$REPOSITORY" --repository-format=docker --location="$REGION"
run gcloud builds submit --tag "$IMAGE" .

step "6. The service: production settings, keys from Secret Manager, a startup probe on /readyz"
secrets=""
for setting in "${KEY_SETTINGS[@]}"; do secrets+="${secrets:+,}${setting}=$(secret_of "$setting"):latest"; done
run gcloud run deploy "$SERVICE" \
  --image="$IMAGE" --region="$REGION" --service-account="$RUNTIME_SA" \
  --allow-unauthenticated --ingress=all \
  --concurrency=40 --cpu=1 --memory=1Gi --min-instances=1 --max-instances=20 --timeout=300 \
  --cpu-boost --execution-environment=gen2 \
  --set-env-vars="NODE_ENV=production,VISITLEDGER_STORE=firestore,GOOGLE_CLOUD_PROJECT=${PROJECT_ID},GOOGLE_OAUTH_CLIENT_ID=${OAUTH_CLIENT_ID},PORTAL_BASE_URL=https://${DOMAIN},TRUST_PROXY_HOPS=1,VISITLEDGER_CONTACT=${CONTACT}" \
  --set-secrets="$secrets" \
  --startup-probe=httpGet.path=/readyz,initialDelaySeconds=0,periodSeconds=2,timeoutSeconds=3,failureThreshold=15 \
  --liveness-probe=httpGet.path=/healthz,periodSeconds=30,timeoutSeconds=3,failureThreshold=3

step "7. The custom domain (then add the DNS records it prints)"
unless_exists gcloud beta run domain-mappings describe --domain="$DOMAIN" --region="$REGION" -- \
  gcloud beta run domain-mappings create --service="$SERVICE" --domain="$DOMAIN" --region="$REGION"

step "8. Backups: point-in-time recovery (step 2, 7 days) and a daily export to Cloud Storage, kept 90 days"
BACKUP_SA="${SERVICE}-backup@${PROJECT_ID}.iam.gserviceaccount.com"
unless_exists gcloud storage buckets describe "$BACKUP_BUCKET" -- \
  gcloud storage buckets create "$BACKUP_BUCKET" --location="$REGION" --uniform-bucket-level-access --public-access-prevention
run gcloud storage buckets update "$BACKUP_BUCKET" --lifecycle-file=deploy/backup-lifecycle.json
unless_exists gcloud iam service-accounts describe "$BACKUP_SA" -- \
  gcloud iam service-accounts create "${SERVICE}-backup" --display-name="VisitLedger Firestore exports"
run gcloud projects add-iam-policy-binding "$PROJECT_ID" --member="serviceAccount:${BACKUP_SA}" --role=roles/datastore.importExportAdmin --condition=None
run gcloud storage buckets add-iam-policy-binding "$BACKUP_BUCKET" --member="serviceAccount:${BACKUP_SA}" --role=roles/storage.objectAdmin
unless_exists gcloud scheduler jobs describe "${SERVICE}-firestore-export" --location="$REGION" -- \
  gcloud scheduler jobs create http "${SERVICE}-firestore-export" --location="$REGION" --schedule="30 3 * * *" --time-zone="Etc/UTC" \
  --uri="https://firestore.googleapis.com/v1/projects/${PROJECT_ID}/databases/(default):exportDocuments" --http-method=POST \
  --message-body="{\"outputUriPrefix\":\"${BACKUP_BUCKET}/exports\"}" \
  --oauth-service-account-email="$BACKUP_SA"

step "9. Check: the service answers as ready on its domain"
run curl --fail --silent --show-error "https://${DOMAIN}/readyz"
echo
echo "Next, by hand (docs/deploy.md): the Stripe webhook endpoints, the add-on build and clasp push, the Marketplace listing."
