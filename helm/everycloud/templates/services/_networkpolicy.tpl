{{/*
everycloud.networkPolicy — default deny for one service's pods, then only what it needs:
in: the ingress controller, the services that call this one (everycloud.callees), metrics scrapers
when listed; out: DNS, Kafka, its own database, the services it calls (the token issuer; the
portal also reads registry, claim and firmware), and SMTP for notification.
Takes (dict "root" $ "svc" <merged service>).
An empty peer list for Kafka, the database or SMTP means "any address, on that port only".
*/}}
{{- define "everycloud.networkPolicy" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
{{- $callees := include "everycloud.callees" $svc.name | fromJsonArray -}}
{{- $callers := list -}}
{{- range $other := include "everycloud.serviceNames" $root | fromJsonArray -}}
{{- if has $svc.name (include "everycloud.callees" $other | fromJsonArray) -}}
{{- $callers = append $callers $other -}}
{{- end -}}
{{- end -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list $root $svc.name) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "everycloud.selectorLabels" (list $root $svc.name) | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- with $v.networkPolicy.ingressController }}
    # The public address: only the ingress controller reaches the service.
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: 8080
          protocol: TCP
    {{- end }}
    {{- with $callers }}
    # Services of this release that call this one (the token issuer's JWKS, the portal's reads).
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ $root.Release.Name }}
            matchExpressions:
              - key: app.kubernetes.io/name
                operator: In
                values:
                  {{- toYaml . | nindent 18 }}
      ports:
        - port: 8080
          protocol: TCP
    {{- end }}
    {{- with $v.networkPolicy.metrics }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: 8080
          protocol: TCP
    {{- end }}
    {{- with $svc.networkPolicy.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
      {{- with $v.networkPolicy.dns }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- if $v.kafka.strimzi.enabled }}
    - to:
        - podSelector:
            matchLabels:
              strimzi.io/cluster: {{ include "everycloud.kafkaCluster" $root }}
              strimzi.io/kind: Kafka
      ports:
        - port: 9092
          protocol: TCP
    {{- else }}
    - ports:
        - port: {{ $v.kafka.port | int }}
          protocol: TCP
      {{- with $v.kafka.networkPolicy.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- if $v.postgresql.cnpg.enabled }}
    - to:
        - podSelector:
            matchLabels:
              cnpg.io/cluster: {{ include "everycloud.pgCluster" $root }}
      ports:
        - port: 5432
          protocol: TCP
    {{- else }}
    - ports:
        - port: {{ $v.postgresql.external.port | int }}
          protocol: TCP
      {{- with $v.postgresql.external.networkPolicy.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with $callees }}
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ $root.Release.Name }}
            matchExpressions:
              - key: app.kubernetes.io/name
                operator: In
                values:
                  {{- toYaml . | nindent 18 }}
      ports:
        - port: 8080
          protocol: TCP
    {{- end }}
    {{- if eq $svc.name "notification" }}
    - ports:
        - port: {{ $v.mail.port | int }}
          protocol: TCP
      {{- with $v.mail.networkPolicy.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with $svc.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
everycloud.callees — the services a service calls over HTTP inside the cluster, as a JSON list.
Takes: a service name. Every service fetches the token issuer's keys (user); the portal's pages
also read and act through the registry, claim and firmware APIs (PORTAL_SERVICES_*_URL).
*/}}
{{- define "everycloud.callees" -}}
{{- if eq . "user" -}}
[]
{{- else if eq . "portal" -}}
["user", "device-registry", "claim", "firmware"]
{{- else -}}
["user"]
{{- end -}}
{{- end -}}
