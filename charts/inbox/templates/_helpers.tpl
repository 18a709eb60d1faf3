{{/* Release-scoped name prefix. */}}
{{- define "inbox.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "inbox.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "name" $name) */}}
{{- define "inbox.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* A component's image: its own full reference when set, else <repository>-<name>:<tag>. */}}
{{- define "inbox.image" -}}
{{- $c := index .root.Values.components .name -}}
{{- if $c.image }}{{ $c.image }}{{ else }}{{ printf "%s-%s:%s" .root.Values.image.repository .name (default .root.Chart.AppVersion .root.Values.image.tag) }}{{ end -}}
{{- end -}}

{{/* A Secret reference by its short name: redis, jwt, smtp, nats, opensearch, assist, db.<service> or migrationdb.<service>. */}}
{{- define "inbox.secretRef" -}}
{{- $v := .root.Values.external -}}
{{- $ref := dict -}}
{{- if eq .ref "redis" }}{{ $ref = $v.redis.urlSecret }}
{{- else if eq .ref "jwt" }}{{ $ref = $v.auth.jwtSecret }}
{{- else if eq .ref "smtp" }}{{ $ref = $v.smtpRelay.urlSecret }}
{{- else if eq .ref "nats" }}{{ $ref = $v.nats.urlSecret }}
{{- else if eq .ref "opensearch" }}{{ $ref = $v.opensearch.urlSecret }}
{{- else if eq .ref "assist" }}{{ $ref = $v.assist.apiKeySecret }}
{{- else if hasPrefix "db." .ref }}{{ $ref = index $v.databases (trimPrefix "db." .ref) }}
{{- else if hasPrefix "migrationdb." .ref }}{{ $ref = index $v.migrationDatabases (trimPrefix "migrationdb." .ref) | default dict }}
{{- else }}{{ fail (printf "unknown secret reference %q" .ref) }}{{ end -}}
secretKeyRef:
  name: {{ required (printf "secret name for %s" .ref) $ref.name }}
  key: {{ required (printf "secret key for %s" .ref) $ref.key }}
{{- end -}}

{{- define "inbox.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.security.runAsUser }}
runAsGroup: {{ .Values.security.runAsGroup }}
fsGroup: {{ .Values.security.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "inbox.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Node flags every service runs with, after its own heap cap, as scripts/services.sh starts them:
16 MB semi-spaces (a young generation shrunk with the capped heap multiplied the collector's CPU),
one V8 helper thread (a container limited to one CPU has no use for four, and each young
collection woke them all), and the collector exposed, so a started service gives back the heap it
grew while loading its modules (services/lib/src/runtime/startup-heap.ts). */}}
{{- define "inbox.nodeFlags" -}}
--max-semi-space-size=16 --v8-pool-size=1 --expose-gc
{{- end -}}

{{/* MEMORY_BUDGET_MB for a container's memory limit ("512Mi", "1Gi"): 70% of it, so a service gives
back the heap pages V8 pools (services/lib/src/runtime/heap-budget.ts) well before the limit kills
it; 0 (off) for a limit in other units. */}}
{{- define "inbox.memoryBudgetMb" -}}
{{- $limit := toString . -}}
{{- $mb := 0 -}}
{{- if hasSuffix "Gi" $limit -}}{{- $mb = mul (atoi (trimSuffix "Gi" $limit)) 1024 -}}
{{- else if hasSuffix "Mi" $limit -}}{{- $mb = atoi (trimSuffix "Mi" $limit) -}}
{{- end -}}
{{- div (mul $mb 7) 10 -}}
{{- end -}}

{{/* Settings every service reads, for the ConfigMap and the hook Jobs. */}}
{{- define "inbox.commonEnv" -}}
NODE_ENV: production
BIND_HOST: 0.0.0.0
{{- /* Two malloc arenas instead of eight per core: the threads of libuv and V8 each kept freed memory in
an arena of their own (the gateway peaked at 240 MB resident with 10,000 sockets, 221 with two). */}}
MALLOC_ARENA_MAX: "2"
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
{{- if not .Values.external.nats.urlSecret.name }}
NATS_URL: {{ .Values.external.nats.url | quote }}
{{- end }}
{{- if .Values.external.nats.caSecret.name }}
NATS_TLS_CA_FILE: /etc/inbox/tls/nats/ca.pem
{{- end }}
NATS_STREAM_REPLICAS: {{ .Values.external.nats.streamReplicas | quote }}
{{- if not .Values.external.opensearch.urlSecret.name }}
OPENSEARCH_URL: {{ .Values.external.opensearch.url | quote }}
{{- end }}
{{- if .Values.external.opensearch.caSecret.name }}
OPENSEARCH_CA_FILE: /etc/inbox/tls/opensearch/ca.pem
{{- end }}
{{- if .Values.pgbouncer.enabled }}
CONVERSATION_PREPARED_STATEMENTS: "false"
NOTIFICATION_PREPARED_STATEMENTS: "false"
{{- end }}
{{- if .Values.external.assist.url }}
CONVERSATION_ASSIST_URL: {{ .Values.external.assist.url | quote }}
CONVERSATION_ASSIST_MODEL: {{ .Values.external.assist.model | quote }}
{{- end }}
GATEWAY_PUBLIC_URL: {{ .Values.config.publicUrl | quote }}
NOTIFICATION_PUBLIC_URL: {{ .Values.config.publicUrl | quote }}
CONVERSATION_PUBLIC_URL: {{ .Values.config.publicUrl | quote }}
GATEWAY_SIGNUP_ENABLED: {{ .Values.config.signupEnabled | quote }}
CONVERSATION_MAIL_DOMAIN: {{ .Values.config.mailDomain | quote }}
INGEST_MAX_MESSAGE_BYTES: {{ .Values.config.maxMessageBytes | quote }}
INGEST_PUBLIC_URL: {{ default .Values.config.publicUrl .Values.config.ingestPublicUrl | quote }}
GATEWAY_INGEST_PUBLIC_URL: {{ default .Values.config.publicUrl .Values.config.ingestPublicUrl | quote }}
CALLS_CALLBACK_BASE_URL: {{ default .Values.config.publicUrl .Values.config.ingestPublicUrl | quote }}
INGEST_MTA_NAME: {{ .Values.config.mailDomain | quote }}
NOTIFICATION_EMAIL_FROM: {{ printf "Inbox <notifications@%s>" .Values.config.mailDomain | quote }}
MESSENGER_GRAPH_URL: {{ .Values.config.messengerGraphUrl | quote }}
TELEPHONY_API_URL: {{ .Values.config.telephonyApiUrl | quote }}
{{- with .Values.config.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
SHUTDOWN_DRAIN_DELAY_MS: {{ mul .Values.config.drainDelaySeconds 1000 | quote }}
SHUTDOWN_TIMEOUT_MS: {{ mul (sub .Values.config.shutdownGracePeriodSeconds .Values.config.drainDelaySeconds) 750 | quote }}
{{- end -}}


{{/* Scheduling of every pod: nodeSelector, tolerations, affinity, priorityClassName. */}}
{{- define "inbox.podScheduling" -}}
{{- with .Values.pod.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.pod.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.pod.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.pod.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/* Environment from the external servers' Secrets a pod needs: (dict "root" $ "name" component). */}}
{{- define "inbox.externalSecretEnv" -}}
{{- $v := .root.Values.external -}}
{{- if $v.nats.urlSecret.name }}
- name: NATS_URL
  valueFrom:
    {{- include "inbox.secretRef" (dict "root" .root "ref" "nats") | nindent 4 }}
{{- end }}
{{- if and (eq .name "search") $v.opensearch.urlSecret.name }}
- name: OPENSEARCH_URL
  valueFrom:
    {{- include "inbox.secretRef" (dict "root" .root "ref" "opensearch") | nindent 4 }}
{{- end }}
{{- if and (eq .name "conversation") $v.assist.apiKeySecret.name }}
- name: CONVERSATION_ASSIST_API_KEY
  valueFrom:
    {{- include "inbox.secretRef" (dict "root" .root "ref" "assist") | nindent 4 }}
{{- end }}
{{- end -}}

{{/* The CA bundles of the external servers, as volumes and mounts: (dict "root" $ "name" component). */}}
{{- define "inbox.caVolumes" -}}
{{- $v := .root.Values.external -}}
{{- if $v.nats.caSecret.name }}
- name: nats-ca
  secret: { secretName: {{ $v.nats.caSecret.name }}, items: [{ key: {{ $v.nats.caSecret.key }}, path: ca.pem }] }
{{- end }}
{{- if and (eq .name "search") $v.opensearch.caSecret.name }}
- name: opensearch-ca
  secret: { secretName: {{ $v.opensearch.caSecret.name }}, items: [{ key: {{ $v.opensearch.caSecret.key }}, path: ca.pem }] }
{{- end }}
{{- end -}}
{{- define "inbox.caMounts" -}}
{{- $v := .root.Values.external -}}
{{- if $v.nats.caSecret.name }}
- { name: nats-ca, mountPath: /etc/inbox/tls/nats, readOnly: true }
{{- end }}
{{- if and (eq .name "search") $v.opensearch.caSecret.name }}
- { name: opensearch-ca, mountPath: /etc/inbox/tls/opensearch, readOnly: true }
{{- end }}
{{- end -}}
