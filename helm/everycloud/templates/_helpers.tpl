{{/*
Helpers of the everycloud chart. Each helper says what it takes; "root" is the chart's top-level
context ($), "svc" a merged service entry as returned by "everycloud.service".
*/}}

{{/*
everycloud.fullname — prefix of every object name. Takes: root.
The release name (or fullnameOverride), so services are <release>-<service> and the issuer URL is
http://<release>-user:8080.
*/}}
{{- define "everycloud.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/*
everycloud.serviceNames — the six services, in a fixed order, as a JSON list. Takes: nothing.
*/}}
{{- define "everycloud.serviceNames" -}}
{{- list "device-registry" "claim" "user" "firmware" "portal" "notification" | toJson -}}
{{- end -}}

{{/*
everycloud.deepMerge — a map where every key of the second map overrides the first; nested maps
merge, everything else (lists, scalars, false, 0, "") replaces. Takes: (list base override).
Sprig's merge functions treat false and 0 as "unset", which would make `pdb.enabled: false` in a
service block silently lose against the default block.
*/}}
{{- define "everycloud.deepMerge" -}}
{{- $out := deepCopy (index . 0) -}}
{{- range $key, $value := (index . 1) -}}
{{- $base := get $out $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $base) -}}
{{- $_ := set $out $key (include "everycloud.deepMerge" (list $base $value) | fromJson) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
everycloud.service — one service's settings: services.default merged with services.<name>, plus
`name` (the service name) and `fullname` (<fullname>-<name>). Takes: (list root name). Returns JSON.
*/}}
{{- define "everycloud.service" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $override := get $root.Values.services $name | default dict -}}
{{- $svc := include "everycloud.deepMerge" (list $root.Values.services.default $override) | fromJson -}}
{{- $_ := set $svc "name" $name -}}
{{- $_ := set $svc "fullname" (printf "%s-%s" (include "everycloud.fullname" $root) $name) -}}
{{- if not $svc.database.name -}}
{{- fail (printf "services.%s.database.name must not be empty" $name) -}}
{{- end -}}
{{- toJson $svc -}}
{{- end -}}

{{/*
everycloud.labels — every app.kubernetes.io label for an object. Takes: (list root name) where
name is the service name, or "everycloud" for release-wide objects.
*/}}
{{- define "everycloud.labels" -}}
{{- $root := index . 0 -}}
{{ include "everycloud.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: everycloud
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
{{- with $root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
everycloud.selectorLabels — the only labels selectors use. Takes: (list root name).
*/}}
{{- define "everycloud.selectorLabels" -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
{{- end -}}

{{/*
everycloud.image — the image reference of a service. Takes: (list root svc).
*/}}
{{- define "everycloud.image" -}}
{{- $root := index . 0 -}}
{{- $svc := index . 1 -}}
{{- $g := $root.Values.global.image -}}
{{- $registry := default $g.registry $svc.image.registry -}}
{{- $repository := default (printf "%s/%s" $g.repositoryPrefix $svc.name) $svc.image.repository -}}
{{- $tag := default (default $root.Chart.AppVersion $g.tag) $svc.image.tag -}}
{{- if $svc.image.digest -}}
{{- printf "%s/%s@%s" $registry $repository $svc.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $registry $repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
everycloud.publicUrl — the public base URL. Takes: root.
*/}}
{{- define "everycloud.publicUrl" -}}
{{- if .Values.product.publicUrl -}}
{{- .Values.product.publicUrl | trimSuffix "/" -}}
{{- else -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/*
everycloud.kafkaCluster — name of the Strimzi Kafka cluster. Takes: root.
*/}}
{{- define "everycloud.kafkaCluster" -}}
{{- printf "%s-kafka" (include "everycloud.fullname" .) -}}
{{- end -}}

{{/*
everycloud.bootstrapServers — Kafka bootstrap servers the services use. Takes: root.
*/}}
{{- define "everycloud.bootstrapServers" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap:9092" (include "everycloud.kafkaCluster" .) -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required unless kafka.strimzi.enabled" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/*
everycloud.pgCluster — name of the CloudNativePG cluster. Takes: root.
*/}}
{{- define "everycloud.pgCluster" -}}
{{- printf "%s-postgresql" (include "everycloud.fullname" .) -}}
{{- end -}}

{{/*
everycloud.jdbcUrl — a service's JDBC URL. Takes: (list root svc).
*/}}
{{- define "everycloud.jdbcUrl" -}}
{{- $root := index . 0 -}}
{{- $svc := index . 1 -}}
{{- if $root.Values.postgresql.cnpg.enabled -}}
{{- printf "jdbc:postgresql://%s-rw:5432/%s" (include "everycloud.pgCluster" $root) $svc.database.name -}}
{{- else if $svc.database.jdbcUrl -}}
{{- $svc.database.jdbcUrl -}}
{{- else -}}
{{- $pg := $root.Values.postgresql.external -}}
{{- printf "jdbc:postgresql://%s:%d/%s" $pg.host (int $pg.port) $svc.database.name -}}
{{- end -}}
{{- end -}}

{{/*
everycloud.databaseSecret — name of a service's database credentials Secret. Takes: svc.
*/}}
{{- define "everycloud.databaseSecret" -}}
{{- default (printf "%s-database" .fullname) .database.existingSecret -}}
{{- end -}}

{{/*
everycloud.adminSecret — name of the Secret with the first OEM operator's password. Takes: root.
*/}}
{{- define "everycloud.adminSecret" -}}
{{- default (printf "%s-admin" (include "everycloud.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{/*
everycloud.generatedPassword — a password kept across upgrades: the value already stored in the
Secret (read with lookup), or a new random one. Takes: (list root secretName key). Returns the
base64 value for a Secret's data. `helm template` has no cluster, so it always generates.
*/}}
{{- define "everycloud.generatedPassword" -}}
{{- $root := index . 0 -}}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace (index . 1) -}}
{{- if and $existing $existing.data (hasKey $existing.data (index . 2)) -}}
{{- index $existing.data (index . 2) -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}

{{/*
everycloud.sessionTokenKeySecret — name of the Secret with the portal's session token key (and its
id and retired keys). Takes: root.
*/}}
{{- define "everycloud.sessionTokenKeySecret" -}}
{{- default (printf "%s-portal-session-key" (include "everycloud.fullname" .)) .Values.portal.sessionTokenKey.existingSecret -}}
{{- end -}}
