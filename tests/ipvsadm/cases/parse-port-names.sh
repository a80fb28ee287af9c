ipvsadm -A -t 10.10.0.1:http
ipvsadm -A -u 10.10.0.1:ntp
ipvsadm -A --sctp-service 10.10.0.1:http
ipvsadm -A -t 10.10.0.1:ntp
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.1:https -m
ipvsadm -a -r 10.20.0.2:https -m -t 10.10.0.1:80
ipvsadm -Ln
