ipvsadm -R <<EOF
-A -t 10.10.0.100:80
-A -t 10.10.0.100:80
EOF
ipvsadm -R <<EOF
-A -t 10.10.0.101:80
-R
EOF
ipvsadm -R <<EOF
-L --bogus
-A -t 10.10.0.102:80
EOF
ipvsadm -Sn
