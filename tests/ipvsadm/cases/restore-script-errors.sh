ipvsadm-restore <<EOF
-A -t 10.10.0.1:80
-A -t 10.10.0.1:80
EOF
ipvsadm-restore <<EOF
-A -t 10.10.0.2:80 -w 1
-A -t 10.10.0.3:80
EOF
ipvsadm -Sn
