ipvsadm -A --sctp-service 10.10.0.1:80
ipvsadm -A -u 10.10.0.1:80
ipvsadm -A -t 10.10.0.1:80
ipvsadm -A -t 10.10.0.1:79
ipvsadm -A -t 10.10.0.0:81
ipvsadm -A -f 2
ipvsadm -Ln
ipvsadm -Sn
