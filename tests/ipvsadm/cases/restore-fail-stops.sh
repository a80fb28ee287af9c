ipvsadm -R <<EOF
-A -t 10.10.0.100:80
-A -t 10.10.0.101:80 -w 3
-A -t 10.10.0.102:80
EOF
ipvsadm -Sn
